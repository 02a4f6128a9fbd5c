package dev.k3sautoscaler.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared user-data functions (userdata/lib.sh) run by the real bash, with the outside world
 * (IMDS through curl, the AWS CLI, sleep) replaced by shell functions defined after sourcing.
 */
class UserDataLibIT {
    private static final String IMDS_STUB = ShellStubs.curl(Map.of(
            "instance-id", "i-0123456789abcdef0",
            "placement/availability-zone", "eu-west-1b",
            "placement/region", "eu-west-1",
            "local-ipv4", "10.0.2.15",
            "instance-type", "t3.small"), null);
    private static final String SLEEP_STUB = ShellStubs.sleep(true);

    @TempDir
    Path work;

    @Test
    void readInstanceIdentity_buildsTheProviderIdFromImdsV2() throws IOException {
        // GIVEN IMDS that refuses metadata requests without the session token
        // WHEN
        ExternalTool.Result result = runWithLib(IMDS_STUB + """
                read_instance_identity 2>/dev/null
                printf '%s|%s|%s\\n' "$PROVIDER_ID" "$AWS_REGION" "$PRIVATE_IP"
                """);

        // THEN
        assertTrue(result.succeeded(), result.output());
        assertEquals("aws:///eu-west-1b/i-0123456789abcdef0|eu-west-1|10.0.2.15", result.output().strip());
    }

    @Test
    void retry_backsOffExponentially_andGivesUpWhenTheBudgetIsSpent() throws IOException {
        // GIVEN a command that always fails and a 20-second budget
        // WHEN
        ExternalTool.Result result = runWithLib(SLEEP_STUB + """
                if retry 20 false 2>/dev/null; then echo succeeded; else echo gave-up; fi
                """);

        // THEN 1 + 2 + 4 + 8 = 15 s were waited; the next 15 s wait would pass the budget
        assertEquals("slept 1\nslept 2\nslept 4\nslept 8\ngave-up", result.output().strip());
    }

    @Test
    void retry_capsTheDelayAt15Seconds_andReturnsOnSuccess() throws IOException {
        // GIVEN a command that succeeds on its seventh attempt
        // WHEN
        ExternalTool.Result result = runWithLib(SLEEP_STUB + """
                attempts=0
                flaky() { attempts=$(( attempts + 1 )); (( attempts >= 7 )); }
                retry 600 flaky && echo "succeeded after $attempts attempts"
                """);

        // THEN
        assertEquals("slept 1\nslept 2\nslept 4\nslept 8\nslept 15\nslept 15\nsucceeded after 7 attempts",
                result.output().strip());
    }

    @Test
    void ssmPut_passesTheValueAsAFile_neverAsAnArgument() throws IOException {
        // GIVEN an AWS CLI that prints its arguments (to stderr: ssm_put discards stdout)
        Path secret = work.resolve("value");
        Files.writeString(secret, "K10secret::node:abcdef");

        // WHEN
        ExternalTool.Result result = runWithLib("""
                aws() { printf '%%s\\n' "$*" >&2; }
                ssm_put /k3s/join-token SecureString "%s"
                """.formatted(secret));

        // THEN the process list never shows the secret
        assertTrue(result.succeeded(), result.output());
        assertFalse(result.output().contains("K10secret"), result.output());
        assertTrue(result.output().contains("--value file://" + secret + " --overwrite"), result.output());
    }

    @Test
    void anUnexpectedFailure_isLoggedWithItsLine() throws IOException {
        // WHEN a command fails outside any retry or explicit check
        ExternalTool.Result result = runWithLib("""
                false
                echo not-reached
                """);

        // THEN the script stops, and the console log says where
        assertFalse(result.succeeded());
        assertFalse(result.output().contains("not-reached"));
        assertTrue(result.output().matches("(?s).*\\[k3s-bootstrap \\+[0-9.]+s] FAILED \\(exit 1\\) at line \\d+: false.*"),
                result.output());
    }

    private ExternalTool.Result runWithLib(String body) throws IOException {
        Path script = work.resolve("driver.sh");
        Files.writeString(script, "source \"" + BootstrapFiles.USERDATA.resolve("lib.sh") + "\"\n" + body);
        return ExternalTool.BASH.run(work, script.toString());
    }
}
