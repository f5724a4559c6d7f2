package io.bulwark.agent.internal.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of a command, each allowed once unless repeatable; a problem is a usage error. */
final class Options {

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private String problem;

    private Options() {
    }

    static Options parse(List<String> args, Set<String> allowed, Set<String> repeatable) {
        Options options = new Options();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (!allowed.contains(name)) {
                options.problem = "unknown option " + name + ": expected " + String.join(", ", allowed);
                return options;
            }
            if (i + 1 >= args.size()) {
                options.problem = name + " needs a value";
                return options;
            }
            List<String> list = options.values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!list.isEmpty() && !repeatable.contains(name)) {
                options.problem = name + " is given twice";
                return options;
            }
            list.add(args.get(++i));
        }
        return options;
    }

    /** Why the options are wrong, or null. */
    String problem() {
        return problem;
    }

    String get(String name) {
        List<String> list = values.get(name);
        return list == null ? null : list.get(0);
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }
}
