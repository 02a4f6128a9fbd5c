package dev.k3sautoscaler.e2e.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the code reads and offers as configuration, found in the source text itself so that no
 * hand-kept list can drift from it. Pure functions over file contents (path → text); {@link #load}
 * reads a directory tree into that form.
 *
 * <p><b>Environment variables read by the functions.</b> Every module reads its environment through
 * an {@code EnvironmentReader} held in a variable named {@code reader} (or, for the AWS region,
 * through the {@code environment} map itself). A read is a call
 * {@code reader.raw|requiredString|string|integer|decimal|oneOf|list|endpoint(ARG, …)},
 * {@code tableName(reader, ARG)}, {@code environment.get|getOrDefault(ARG …)} or
 * {@code System.getenv(ARG)}, where ARG is a string literal or a {@code static final String}
 * constant (possibly qualified, {@code Env.STATE_TABLE}) declared anywhere in the scanned sources.
 * Arguments that are neither (a parameter such as {@code name} in {@code ConfigVariable}, or
 * {@code variable} in the {@code tableName} helper) pass a name through: the helper's callers are
 * scanned, and the policy's variables come from the {@code ConfigVariable} catalogue. Resource files
 * add Log4j's {@code ${env:NAME}} lookups.
 *
 * <p><b>Environment variables the deployment sets</b>: {@code env.put(ARG, …)} in the CDK construct,
 * ARG resolved the same way (the construct uses the functions' own constants).
 */
final class ConfigurationSources {
    private static final String NAME = "[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*";
    private static final Pattern CONSTANT = Pattern.compile(
            "static\\s+final\\s+String\\s+(\\w+)\\s*=\\s*\"(" + NAME + ")\"\\s*;");
    private static final String ARGUMENT = "(\"" + NAME + "\"|[A-Za-z_][\\w.]*)";
    private static final Pattern READ = Pattern.compile(
            "(?:\\breader\\.(?:raw|requiredString|string|integer|decimal|oneOf|list|endpoint)\\(\\s*"
                    + "|\\btableName\\(\\s*reader\\s*,\\s*"
                    + "|\\benvironment\\.(?:get|getOrDefault)\\(\\s*"
                    + "|\\bSystem\\.getenv\\(\\s*)" + ARGUMENT);
    private static final Pattern LOG4J_LOOKUP = Pattern.compile("\\$\\{env:(" + NAME + ")");
    private static final Pattern DEPLOYMENT_SETS = Pattern.compile("\\benv\\.put\\(\\s*" + ARGUMENT);
    private static final Pattern BUILDER_METHOD = Pattern.compile("public\\s+Builder\\s+(\\w+)\\s*\\(");
    private static final Pattern CONTEXT_KEY = Pattern.compile("\\bcontext\\(\\s*app\\s*,\\s*\"(\\w+)\"");

    private ConfigurationSources() {
    }

    /**
     * Every environment variable the given function sources read, each with the first file that
     * reads it (for the failure message).
     */
    static Map<String, String> environmentReads(Map<String, String> sources) {
        Map<String, Set<String>> constants = constants(sources);
        Map<String, String> reads = new TreeMap<>();
        sources.forEach((file, text) -> {
            if (file.endsWith(".java")) {
                Matcher m = READ.matcher(text);
                while (m.find()) {
                    resolve(m.group(1), constants).forEach(name -> reads.putIfAbsent(name, file));
                }
            } else {
                matches(LOG4J_LOOKUP, text).forEach(name -> reads.putIfAbsent(name, file));
            }
        });
        return reads;
    }

    /** Every environment variable {@code deploymentSources} set on a Lambda, names resolved against {@code constantSources}. */
    static Map<String, String> environmentSetByDeployment(Map<String, String> deploymentSources,
                                                          Map<String, String> constantSources) {
        Map<String, String> all = new HashMap<>(constantSources);
        all.putAll(deploymentSources);
        Map<String, Set<String>> constants = constants(all);
        Map<String, String> set = new TreeMap<>();
        deploymentSources.forEach((file, text) -> {
            Matcher m = DEPLOYMENT_SETS.matcher(text);
            while (m.find()) {
                resolve(m.group(1), constants).forEach(name -> set.putIfAbsent(name, file));
            }
        });
        return set;
    }

    /** The props builder's public setters ({@code public Builder clusterId(…)}). */
    static Set<String> builderMethods(String propsSource) {
        return matches(BUILDER_METHOD, propsSource);
    }

    /** The CDK app's context keys read by literal ({@code context(app, "clusterId", …)}). */
    static Set<String> contextKeys(String appSource) {
        return matches(CONTEXT_KEY, appSource);
    }

    /** Every {@code .java} and resource file under {@code root}'s {@code src/main} folders, keyed by path relative to {@code base}. */
    static Map<String, String> load(Path base, Path root) {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile)
                    .filter(p -> base.relativize(p).toString().replace('\\', '/').contains("/src/main/"))
                    .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".xml")
                            || p.toString().endsWith(".properties"))
                    .sorted()
                    .forEach(p -> files.put(base.relativize(p).toString().replace('\\', '/'), read(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Set<String>> constants(Map<String, String> sources) {
        Map<String, Set<String>> constants = new HashMap<>();
        sources.forEach((file, text) -> {
            Matcher m = CONSTANT.matcher(text);
            while (m.find()) {
                constants.computeIfAbsent(m.group(1), k -> new HashSet<>()).add(m.group(2));
            }
        });
        return constants;
    }

    private static Set<String> resolve(String argument, Map<String, Set<String>> constants) {
        if (argument.startsWith("\"")) {
            return Set.of(argument.substring(1, argument.length() - 1));
        }
        String identifier = argument.substring(argument.lastIndexOf('.') + 1);
        return constants.getOrDefault(identifier, Set.of());
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
