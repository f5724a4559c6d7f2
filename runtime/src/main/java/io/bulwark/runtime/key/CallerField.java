package io.bulwark.runtime.key;

import io.bulwark.Caller;
import java.util.Locale;

/** The caller fields a template can read, as {@code {caller.<field>}}. */
enum CallerField {
    USER, EMAIL, IP, ORG, SESSION;

    static CallerField of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    String read(Caller caller) {
        return switch (this) {
            case USER -> caller.user();
            case EMAIL -> caller.email();
            case IP -> caller.ip();
            case ORG -> caller.org();
            case SESSION -> caller.session();
        };
    }
}
