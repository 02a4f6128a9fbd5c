package dev.k3sautoscaler.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the module's deliverables live: the files the CDK stack and the master read, not test resources. */
final class BootstrapFiles {
    static final Path ROOT = moduleRoot();
    static final Path MANIFESTS = ROOT.resolve("manifests");
    static final Path DEMO = ROOT.resolve("demo");
    static final Path PROMETHEUS = ROOT.resolve("prometheus");
    static final Path USERDATA = ROOT.resolve("userdata");
    static final Path PLACEHOLDERS = ROOT.resolve("placeholders.json");
    static final Path DASHBOARD = ROOT.resolve("grafana/autoscaler-dashboard.json");
    /** Owned by the Kubernetes-operations work; checked when present. */
    static final Path AUTOSCALER_RBAC = MANIFESTS.resolve("autoscaler-rbac.yaml");

    private BootstrapFiles() {
    }

    private static Path moduleRoot() {
        // Surefire sets basedir; an IDE run starts in the module directory.
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        Path root = Path.of(basedir).toAbsolutePath();
        if (!Files.isDirectory(root.resolve("userdata"))) {
            throw new IllegalStateException("not the cluster-bootstrap module directory: " + root);
        }
        return root;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files in {@code directory} (not below it) whose name ends with one of {@code suffixes}, sorted. */
    static List<Path> list(Path directory, String... suffixes) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> Stream.of(suffixes).anyMatch(s -> f.getFileName().toString().endsWith(s)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every shell script shipped by the module (user-data parts are linted rendered, not alone). */
    static List<Path> shellScripts() {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(".sh"))
                    .filter(f -> !f.startsWith(ROOT.resolve("target")) && !f.startsWith(USERDATA))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
