package dev.k3sautoscaler.core.config;

import java.util.stream.Collectors;

/** The configuration table of the README and docs, generated from {@link ConfigVariable#ALL} so it cannot drift. */
public final class ConfigurationReference {
    public static final String START_MARKER = "<!-- configuration-table:start -->";
    public static final String END_MARKER = "<!-- configuration-table:end -->";

    private ConfigurationReference() {
    }

    public static String markdownTable() {
        return "| Variable | Default | Valid range | Meaning |\n|---|---|---|---|\n"
                + ConfigVariable.ALL.stream()
                        .map(v -> "| `" + v.name() + "` | " + v.defaultValue() + " | " + v.range() + " | " + v.meaning() + " |")
                        .collect(Collectors.joining("\n"))
                + "\n";
    }
}
