package dev.k3sautoscaler.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The user-data contract of placeholders.json, implemented the way the CDK stack implements it:
 * concatenate a role's parts, replace each {@code __NAME__} placeholder with a plain string replace.
 */
final class UserDataTemplates {
    static final Pattern PLACEHOLDER = Pattern.compile("__[A-Z][A-Z0-9_]*__");
    /** A variable of a boot template, which the master fills at boot (bootTemplates). */
    static final Pattern BOOT_VARIABLE = Pattern.compile("\\$\\{[A-Z][A-Z0-9_]*}");

    record Placeholder(String name, String meaning, String sample, Set<String> usedBy) {
    }

    private final Map<String, List<String>> partsByRole = new LinkedHashMap<>();
    private final Map<String, Placeholder> placeholders = new LinkedHashMap<>();
    private final Map<String, Set<String>> bootTemplates = new LinkedHashMap<>();

    private UserDataTemplates(JsonNode contract) {
        contract.path("userData").properties().forEach(role -> {
            List<String> parts = new ArrayList<>();
            role.getValue().forEach(part -> parts.add(part.asText()));
            partsByRole.put(role.getKey(), parts);
        });
        contract.path("placeholders").properties().forEach(entry -> {
            JsonNode p = entry.getValue();
            Set<String> usedBy = new TreeSet<>();
            p.path("usedBy").forEach(role -> usedBy.add(role.asText()));
            placeholders.put(entry.getKey(), new Placeholder(entry.getKey(), p.path("meaning").asText(null),
                    p.path("sample").asText(null), usedBy));
        });
        contract.path("bootTemplates").path("files").properties().forEach(file -> {
            Set<String> variables = new TreeSet<>();
            file.getValue().path("variables").fieldNames().forEachRemaining(variables::add);
            bootTemplates.put(file.getKey(), variables);
        });
    }

    static UserDataTemplates load() {
        try {
            return new UserDataTemplates(new ObjectMapper().readTree(BootstrapFiles.PLACEHOLDERS.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Set<String> roles() {
        return partsByRole.keySet();
    }

    Map<String, Placeholder> placeholders() {
        return placeholders;
    }

    /** Each boot template (its path in the module) with the variables placeholders.json declares for it. */
    Map<String, Set<String>> bootTemplates() {
        return bootTemplates;
    }

    /** The role's parts concatenated, placeholders not yet replaced. */
    String template(String role) {
        List<String> parts = partsByRole.get(role);
        if (parts == null) {
            throw new IllegalArgumentException("no user data for role " + role + " in placeholders.json");
        }
        StringBuilder text = new StringBuilder();
        for (String part : parts) {
            String content = BootstrapFiles.read(BootstrapFiles.ROOT.resolve(part));
            text.append(content);
            if (!content.endsWith("\n")) {
                text.append('\n');
            }
        }
        return text.toString();
    }

    /** The role's user data with every listed placeholder replaced by its sample value. */
    String renderWithSamples(String role) {
        Map<String, String> values = new LinkedHashMap<>();
        placeholders.values().forEach(p -> values.put(p.name(), p.sample()));
        return render(role, values);
    }

    String render(String role, Map<String, String> values) {
        String text = template(role);
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace(value.getKey(), value.getValue());
        }
        return text;
    }

    /**
     * For running a role's user data in a test: the render, with {@code stubs} inserted after the
     * first part (lib.sh, whose commands the stubs shadow) and system paths in the later parts
     * redirected ({@code pathRedirects}: path → replacement).
     */
    String renderForTest(String role, Map<String, String> values, String stubs, Map<String, String> pathRedirects) {
        String head = BootstrapFiles.read(BootstrapFiles.ROOT.resolve(partsByRole.get(role).getFirst()));
        String rest = render(role, values).substring(head.length());
        for (Map.Entry<String, String> redirect : pathRedirects.entrySet()) {
            rest = rest.replace(redirect.getKey(), redirect.getValue());
        }
        return head + stubs + rest;
    }

    static Set<String> placeholdersIn(String text) {
        return matches(PLACEHOLDER, text);
    }

    static Set<String> bootVariablesIn(String text) {
        return matches(BOOT_VARIABLE, text);
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> found = new TreeSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group());
        }
        return found;
    }
}
