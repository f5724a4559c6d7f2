package io.bulwark.samples.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The "The Spring Boot sample" section of {@code docs/samples.md}, read as a script: its first {@code sh} block starts
 * the sample, and in the others each command may be followed by {@code # prints: <its output>} or {@code # shows: <a
 * part of it>}.
 */
record DocSection(String startCommand, List<Step> steps) {

    static final String HEADING = "## The Spring Boot sample";

    /** One command and what the page says it outputs ({@code exact}), or a part of that. */
    record Step(String command, String expected, boolean exact) {
    }

    static DocSection read(Path page) throws IOException {
        List<String> lines = Files.readAllLines(page);
        int start = lines.indexOf(HEADING);
        if (start < 0) {
            throw new AssertionError("no '" + HEADING + "' section in " + page);
        }
        List<List<String>> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.equals("```sh")) {
                block = new ArrayList<>();
            } else if (line.equals("```") && block != null) {
                blocks.add(block);
                block = null;
            } else if (block != null) {
                block.add(line);
            }
        }
        String first = String.join("\n", blocks.get(0));
        // The build half of the first command is what this build already did.
        String startCommand = first.substring(first.indexOf("&& ") + 3).strip();
        List<Step> steps = new ArrayList<>();
        for (List<String> b : blocks.subList(1, blocks.size())) {
            for (int i = 0; i < b.size(); i++) {
                String next = i + 1 < b.size() ? b.get(i + 1) : "";
                if (b.get(i).startsWith("#")) {
                    continue;
                }
                if (next.startsWith("# prints: ")) {
                    steps.add(new Step(b.get(i), next.substring("# prints: ".length()), true));
                } else if (next.startsWith("# shows: ")) {
                    steps.add(new Step(b.get(i), next.substring("# shows: ".length()), false));
                } else {
                    steps.add(new Step(b.get(i), null, false));
                }
            }
        }
        return new DocSection(startCommand, steps);
    }
}
