package noproc;

import io.bulwark.RateLimited;

/** A second guarded class compiled without the processor. */
public class Other {

    @RateLimited(name = "other", limit = 1, window = "1m")
    public static String call() {
        return "other";
    }
}
