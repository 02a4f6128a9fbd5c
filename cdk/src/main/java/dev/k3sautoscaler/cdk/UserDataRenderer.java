package dev.k3sautoscaler.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders a node's user data by the rule in {@code cluster-bootstrap/placeholders.json}: the listed
 * files concatenated, every {@code __NAME__} replaced by a plain string replace (never Fn::Sub,
 * whose {@code ${...}} collides with shell). Values may be CDK tokens; they survive the replace
 * and CloudFormation resolves them.
 */
public final class UserDataRenderer {
    public enum Role { MASTER, WORKER }

    /** EC2 refuses user data above 16 KB. */
    static final int MAX_USER_DATA_BYTES = 16 * 1024;

    private final Path bootstrapDir;
    private final JsonNode contract;

    public UserDataRenderer(Path bootstrapDir) {
        this.bootstrapDir = bootstrapDir;
        try {
            this.contract = new ObjectMapper().readTree(bootstrapDir.resolve("placeholders.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + bootstrapDir.resolve("placeholders.json"), e);
        }
    }

    /** Placeholders the role's files use, by the contract's {@code usedBy}. */
    public List<String> placeholders(Role role) {
        String name = roleName(role);
        List<String> names = new ArrayList<>();
        contract.get("placeholders").properties().forEach(entry -> {
            for (JsonNode user : entry.getValue().get("usedBy")) {
                if (user.asText().equals(name)) {
                    names.add(entry.getKey());
                }
            }
        });
        return names;
    }

    /**
     * The role's user data. Every placeholder the role uses must be given, and none may be left:
     * a worker that boots with {@code __MASTER_ADDRESS_PARAM__} in its script never joins.
     */
    public String render(Role role, Map<String, String> values) {
        List<String> problems = new ArrayList<>();
        TreeSet<String> missing = new TreeSet<>(placeholders(role));
        missing.removeAll(values.keySet());
        missing.forEach(p -> problems.add(p + " has no value"));
        TreeSet<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(placeholders(role));
        unknown.forEach(p -> problems.add(p + " is not a " + roleName(role) + " placeholder in placeholders.json"));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot render the " + roleName(role) + " user data: " + problems);
        }
        StringBuilder script = new StringBuilder();
        for (JsonNode file : contract.get("userData").get(roleName(role))) {
            try {
                script.append(Files.readString(bootstrapDir.resolve(file.asText())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + bootstrapDir.resolve(file.asText()), e);
            }
        }
        String rendered = script.toString();
        for (Map.Entry<String, String> value : values.entrySet()) {
            rendered = rendered.replace(value.getKey(), value.getValue());
        }
        for (String placeholder : placeholders(role)) {
            if (rendered.contains(placeholder)) {
                throw new IllegalStateException(placeholder + " is still in the rendered " + roleName(role) + " user data");
            }
        }
        return rendered;
    }

    private static String roleName(Role role) {
        return role.name().toLowerCase(java.util.Locale.ROOT);
    }
}
