package dev.k3sautoscaler.kube;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The step input fixtures under src/test/resources/events/, shared with the workflow tests. */
final class Events {
    private Events() {
    }

    static String read(String name) {
        try (InputStream in = Events.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture events/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
