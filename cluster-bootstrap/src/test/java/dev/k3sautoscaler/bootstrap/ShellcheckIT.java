package dev.k3sautoscaler.bootstrap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real shellcheck at its strictest severity on what EC2 will run: each role's user data rendered
 * with the sample values (the templates alone are not complete scripts), and every other script.
 */
class ShellcheckIT {
    @TempDir
    Path work;

    @TestFactory
    Stream<DynamicTest> renderedUserData_isShellcheckClean() {
        UserDataTemplates templates = UserDataTemplates.load();
        return templates.roles().stream().map(role -> DynamicTest.dynamicTest(role + " user data", () -> {
            // GIVEN the user data as the CDK stack renders it
            Path script = work.resolve(role + "-user-data.sh");
            Files.writeString(script, templates.renderWithSamples(role));

            // WHEN / THEN
            assertShellcheckClean(script);
        }));
    }

    @TestFactory
    Stream<DynamicTest> otherScripts_areShellcheckClean() {
        return BootstrapFiles.shellScripts().stream().map(script -> DynamicTest.dynamicTest(
                BootstrapFiles.ROOT.relativize(script).toString(), () -> assertShellcheckClean(script)));
    }

    private void assertShellcheckClean(Path script) throws IOException {
        ExternalTool.Result result = ExternalTool.SHELLCHECK.run(work, "--severity=style", "--shell=bash",
                "--external-sources", script.toString());
        assertTrue(result.succeeded(), () -> "shellcheck findings in " + script.getFileName() + ":\n"
                + result.output() + "\n--- numbered script ---\n" + numbered(script));
    }

    private static String numbered(Path script) {
        String[] lines = BootstrapFiles.read(script).split("\n", -1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            text.append(String.format("%4d  %s%n", i + 1, lines[i]));
        }
        return text.toString();
    }
}
