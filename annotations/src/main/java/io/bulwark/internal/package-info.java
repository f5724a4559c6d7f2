/**
 * The bridge: what woven code and the processor's generated extractors call at run time ({@code Dispatch}, the
 * interfaces the runtime installs behind it, key framing and key text, and the duration printing the public exceptions
 * use). Not API. Public only because woven code in any package and Bulwark's own modules must reach it; it may change
 * in any release. What the processor and the runtime merely share is in {@code bulwark-rules}, not here.
 */
package io.bulwark.internal;
