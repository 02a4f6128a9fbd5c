package dev.k3sautoscaler.simulator.report.html;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class HeadlessChromiumTest {
    @Test
    void missingChromium_failsTheCheck_sayingHowToInstallIt(@TempDir Path emptyDir) {
        // GIVEN a PATH without chromium
        String path = emptyDir.toString();

        // WHEN / THEN the browser check fails (it is never skipped) and names the script that installs it
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, () -> HeadlessChromium.binary(path));
        assertTrue(failure.getMessage().contains("scripts/install-prerequisites.sh"), failure.getMessage());
        assertTrue(failure.getMessage().contains("chromium"), failure.getMessage());
    }
}
