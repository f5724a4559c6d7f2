/**
 * Secret key material kept on the local host: keys made at random on first use in owner-only files, and the UTF-16
 * handling of configured secrets. Not to be confused with {@code io.bulwark.runtime.key}, which compiles the key
 * templates of rate limits (what a counter is keyed by); this package was {@code runtime.keys} until issue 15.
 */
package io.bulwark.runtime.secrets;
