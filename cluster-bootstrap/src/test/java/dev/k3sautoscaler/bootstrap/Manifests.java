package dev.k3sautoscaler.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Kubernetes objects parsed from multi-document YAML files, each with the file it came from. */
final class Manifests {
    private static final YAMLMapper YAML = new YAMLMapper();

    record KubeObject(Path file, JsonNode body) {
        String kind() {
            return body.path("kind").asText();
        }

        String name() {
            return body.path("metadata").path("name").asText();
        }

        String namespace() {
            return body.path("metadata").path("namespace").asText("");
        }

        @Override
        public String toString() {
            return kind() + " " + (namespace().isEmpty() ? "" : namespace() + "/") + name() + " ("
                    + file.getFileName() + ")";
        }

        /** The pod spec of a workload (Pod, Deployment, DaemonSet, StatefulSet, Job...), or missing. */
        JsonNode podSpec() {
            return switch (kind()) {
                case "Pod" -> body.path("spec");
                case "CronJob" -> body.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
                default -> body.path("spec").path("template").path("spec");
            };
        }

        /** Containers and init containers of the pod spec. */
        Stream<JsonNode> containers() {
            JsonNode spec = podSpec();
            List<JsonNode> all = new ArrayList<>();
            spec.path("initContainers").forEach(all::add);
            spec.path("containers").forEach(all::add);
            return all.stream();
        }
    }

    private Manifests() {
    }

    /** Every document of every file; empty documents (a leading {@code ---}, comments only) are skipped. */
    static List<KubeObject> parse(List<Path> files) {
        List<KubeObject> objects = new ArrayList<>();
        for (Path file : files) {
            try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                while (documents.hasNext()) {
                    JsonNode document = documents.next();
                    if (document != null && !document.isNull() && !document.isMissingNode()) {
                        objects.add(new KubeObject(file, document));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("not valid YAML: " + file, e);
            }
        }
        return objects;
    }

    static List<KubeObject> deployed() {
        return parse(BootstrapFiles.list(BootstrapFiles.MANIFESTS, ".yaml", ".yml"));
    }

    static List<KubeObject> demo() {
        return parse(BootstrapFiles.list(BootstrapFiles.DEMO, ".yaml", ".yml"));
    }

    static List<KubeObject> all() {
        List<KubeObject> all = new ArrayList<>(deployed());
        all.addAll(demo());
        return all;
    }
}
