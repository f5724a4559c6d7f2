package io.bulwark.rules;

/**
 * A problem with one attribute of a guard annotation ({@code window}, {@code key}, ...), so that javac can point
 * at the offending value. Not API.
 */
public record Problem(String attribute, String message) {
}
