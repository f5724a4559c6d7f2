/**
 * Bulwark's API: the guard annotations ({@code io.bulwark}), the caller context, the exceptions, the
 * {@code TwoFactor} and {@code RateLimits} entry points, and the monitoring listener API
 * ({@code io.bulwark.monitoring}).
 *
 * <p>{@code io.bulwark.internal} is the bridge that woven code and the processor's generated extractors call
 * ({@code Dispatch}, the interfaces the runtime implements behind it, key framing and key text). It is exported to
 * everyone because woven and generated code lives in the application's own modules and packages, which cannot be
 * named here; it is not API and may change in any release. Everything the processor and the runtime merely share
 * (the annotations' rules, messages, key templates and planning, duration syntax) lives in {@code bulwark-rules},
 * which no application compiles against.
 *
 * <p>Nothing is opened: the bridge's state cannot be reached with {@code setAccessible} from another module. The
 * agent defines this same module in the bootstrap loader (its {@code BootstrapApi}).
 */
module io.bulwark {
    exports io.bulwark;
    exports io.bulwark.monitoring;
    exports io.bulwark.internal;
}
