package io.bulwark.agent.e2e.apps;

import io.bulwark.Bulwark;
import io.bulwark.RateLimited;
import io.bulwark.RateLimitedException;
import io.bulwark.monitoring.BulwarkListener;
import io.bulwark.monitoring.RateLimitDecision;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One policy, {@code operated}, on two methods, as an operator tunes it: {@code burst N} calls one of them N times and
 * prints what was refused and what a listener heard; {@code interactive} reads {@code a USER} or {@code b USER} lines
 * and answers each with {@code rSEQ=OK} or {@code rSEQ=REFUSED limit=L}.
 */
public class OperateApp {

    @RateLimited(name = "operated", limit = 2, window = "1h", key = "{user}")
    static void a(String user) {
    }

    @RateLimited(name = "operated", limit = 2, window = "1h", key = "{user}")
    static void b(String user) {
    }

    public static void main(String[] args) throws Exception {
        Map<RateLimitDecision.Outcome, AtomicLong> heard = new ConcurrentHashMap<>();
        for (RateLimitDecision.Outcome outcome : RateLimitDecision.Outcome.values()) {
            heard.put(outcome, new AtomicLong());
        }
        Bulwark.listen(new BulwarkListener() {
            @Override
            public void onRateLimit(RateLimitDecision decision) {
                heard.get(decision.outcome()).incrementAndGet();
            }
        });
        if (args[0].equals("burst")) {
            int refused = 0;
            for (int i = 0; i < Integer.parseInt(args[1]); i++) {
                try {
                    a("user-1");
                } catch (RateLimitedException e) {
                    refused++;
                }
            }
            System.out.println("refused=" + refused);
            for (Map.Entry<RateLimitDecision.Outcome, AtomicLong> e : heard.entrySet()) {
                System.out.println("heard." + e.getKey().tag() + "=" + e.getValue().get());
            }
            return;
        }
        System.out.println("ready=true");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int seq = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] parts = line.split(" ");
            String answer;
            try {
                if (parts[0].equals("a")) {
                    a(parts[1]);
                } else {
                    b(parts[1]);
                }
                answer = "OK";
            } catch (RateLimitedException e) {
                answer = "REFUSED limit=" + e.limit();
            }
            System.out.println("r" + (++seq) + "=" + answer);
        }
    }
}
