package dev.k3sautoscaler.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table is exactly the generated one: every variable the code reads, and no other. */
class ConfigurationDocumentedTest {

    @Test
    void readmeTable_matchesTheVariablesTheCodeReads() throws IOException {
        String readme = Files.readString(repositoryRoot().resolve("README.md"));
        int start = readme.indexOf(ConfigurationReference.START_MARKER);
        int end = readme.indexOf(ConfigurationReference.END_MARKER);
        assertTrue(start >= 0 && end > start, "README.md must hold the configuration table between its markers");

        String documented = readme.substring(start + ConfigurationReference.START_MARKER.length(), end).strip() + "\n";

        assertEquals(ConfigurationReference.markdownTable(), documented,
                "README configuration table is out of date; paste ConfigurationReference.markdownTable() between the markers");
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("autoscaler"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("repository root (the folder holding ./autoscaler) not found");
        }
        return dir;
    }
}
