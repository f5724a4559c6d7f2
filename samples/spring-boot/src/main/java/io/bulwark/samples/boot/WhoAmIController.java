package io.bulwark.samples.boot;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The caller as Bulwark sees this request: check a {@code bulwark.web.trusted-proxies} setting with it. */
@RestController
public class WhoAmIController {

    @GetMapping("/whoami")
    public Map<String, Object> whoami() {
        Caller caller = Bulwark.caller();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("user", caller.user());
        fields.put("ip", caller.ip());
        fields.put("requestId", caller.requestId());
        return fields;
    }
}
