/**
 * Not API. Public only because woven code in any package and Bulwark's own modules must reach it; it may
 * change in any release.
 */
package io.bulwark.internal;
