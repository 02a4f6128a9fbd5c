package dev.k3sautoscaler.bootstrap;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole worker user data run by the real bash, as rendered for EC2, with the outside world
 * stubbed at the command boundary: IMDSv2 and GitHub (curl), SSM (aws), systemd (systemctl),
 * time (sleep). The K3s configuration directory is redirected into a temporary directory.
 */
class WorkerUserDataIT {
    private static final String CONFIG_DIR = "/etc/rancher/k3s";
    private static final String TOKEN = "K10abc123::node:0123456789abcdef";

    @TempDir
    Path work;
    private Path calls;
    private Path configDir;

    @BeforeEach
    void paths() {
        calls = work.resolve("calls.log");
        configDir = work.resolve("etc-rancher-k3s");
    }

    /** The stubs, defined after lib.sh so they replace the commands the worker body calls. */
    private String stubs(int masterAddressMissingForCalls, boolean agentComesUp) {
        return ShellStubs.sleep(false) + ShellStubs.curl(Map.of(
                "instance-id", "i-0123456789abcdef0",
                "placement/availability-zone", "eu-west-1b",
                "placement/region", "eu-west-1",
                "local-ipv4", "10.0.2.15",
                "instance-type", "t3.small",
                "instance-life-cycle", "spot"), calls) + """
                missing_calls=%2$d
                aws() {
                  case "$*" in
                    *"--name /k3s/master-address"*)
                      if (( missing_calls > 0 )); then
                        missing_calls=$(( missing_calls - 1 ))
                        echo "An error occurred (ParameterNotFound) when calling the GetParameter operation" >&2
                        return 254
                      fi
                      printf '10.0.1.10\\n' ;;
                    *"--name /k3s/join-token"*) printf '%3$s\\n' ;;
                    *) return 1 ;;
                  esac
                }
                systemctl() {
                  echo "systemctl $*" >> "%1$s"
                  [[ "$1" != is-active ]] || %4$s
                }
                journalctl() { echo "journal of k3s-agent: failed to get CA certs: i/o timeout"; }
                """.formatted(calls, masterAddressMissingForCalls, TOKEN, agentComesUp);
    }

    private ExternalTool.Result runWorker(int masterAddressMissingForCalls) throws IOException {
        return runWorker(masterAddressMissingForCalls, true);
    }

    private ExternalTool.Result runWorker(int masterAddressMissingForCalls, boolean agentComesUp) throws IOException {
        Map<String, String> values = Map.of(
                "__K3S_VERSION__", "v1.33.2+k3s1",
                "__JOIN_TOKEN_PARAM__", "/k3s/join-token",
                "__MASTER_ADDRESS_PARAM__", "/k3s/master-address");
        Path script = work.resolve("worker-user-data.sh");
        Files.writeString(script, UserDataTemplates.load().renderForTest("worker", values,
                stubs(masterAddressMissingForCalls, agentComesUp), Map.of(CONFIG_DIR, configDir.toString())));
        return ExternalTool.BASH.run(work, script.toString());
    }

    @Test
    void worker_joinsWithProviderIdLabelsAndTheTokenFromSsm() throws IOException {
        // WHEN the user data runs on a Spot instance in eu-west-1b
        ExternalTool.Result result = runWorker(0);

        // THEN the agent configuration is what CheckJoin and the scheduler rely on
        assertTrue(result.succeeded(), result.output());
        assertEquals("""
                server: "https://10.0.1.10:6443"
                token: "%s"
                node-name: "i-0123456789abcdef0"
                node-label:
                  - "k3s-autoscaler/managed=true"
                  - "k3s-autoscaler/capacity-type=spot"
                  - "topology.kubernetes.io/zone=eu-west-1b"
                  - "topology.kubernetes.io/region=eu-west-1"
                  - "node.kubernetes.io/instance-type=t3.small"
                kubelet-arg:
                  - "provider-id=aws:///eu-west-1b/i-0123456789abcdef0"
                """.formatted(TOKEN), Files.readString(configDir.resolve("config.yaml")));
        // The token is in that file: the directory is root's alone.
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(configDir)));
    }

    @Test
    void worker_installsThePinnedAgent_andStartsItWithoutBlocking() throws IOException {
        ExternalTool.Result result = runWorker(0);

        assertTrue(result.succeeded(), result.output());
        assertEquals("""
                installer exec=agent version=v1.33.2+k3s1 skip_start=true selinux_rpm_skipped=true
                systemctl start --no-block k3s-agent
                systemctl is-active --quiet k3s-agent
                """, Files.readString(calls));
    }

    @Test
    void worker_waitsForTheMaster_whileTheJoinInformationIsNotInSsmYet() throws IOException {
        // GIVEN a master that publishes its address only after the worker's fourth attempt
        // WHEN
        ExternalTool.Result result = runWorker(4);

        // THEN the worker retried and joined anyway
        assertTrue(result.succeeded(), result.output());
        assertEquals(4, result.output().split("ParameterNotFound", -1).length - 1, result.output());
        assertTrue(Files.readString(configDir.resolve("config.yaml")).contains("https://10.0.1.10:6443"));
    }

    @Test
    void worker_logsEveryStep_butNeverTheToken() throws IOException {
        ExternalTool.Result result = runWorker(1);

        assertAll(
                () -> assertTrue(result.succeeded(), result.output()),
                () -> assertFalse(result.output().contains(TOKEN), result.output()),
                () -> assertTrue(result.output().contains("join information read from SSM: master 10.0.1.10")),
                () -> assertTrue(result.output().contains("k3s-agent active: worker bootstrap done")));
    }

    @Test
    void worker_failsWithTheAgentsJournal_whenTheAgentNeverComesUp() throws IOException {
        // GIVEN an agent that cannot reach the master (systemd never reports it active)
        // WHEN
        ExternalTool.Result result = runWorker(0, false);

        // THEN user data fails, and the console log (readable without SSH) says why
        assertFalse(result.succeeded());
        assertTrue(result.output().contains("journal of k3s-agent: failed to get CA certs"), result.output());
        assertTrue(result.output().contains("FAILED: k3s-agent not active after 180s"), result.output());
    }
}
