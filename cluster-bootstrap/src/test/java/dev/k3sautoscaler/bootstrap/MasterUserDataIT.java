package dev.k3sautoscaler.bootstrap;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole master user data run by the real bash, with K3s, kubectl, SSM, S3, IMDS and systemd
 * stubbed at the command boundary and the system paths redirected into a temporary directory.
 * The bootstrap asset is a real zip of manifests/ and prometheus/, extracted by the script.
 */
class MasterUserDataIT {
    private static final String SA_TOKEN = "eyJhbGciOiJSUzI1NiJ9.service-account-token";
    private static final String CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";
    private static final String TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:demo-unschedulable-pods";
    private static final Map<String, String> PLACEHOLDERS = Map.of(
            "__K3S_VERSION__", "v1.33.2+k3s1",
            "__JOIN_TOKEN_PARAM__", "/k3s/join-token",
            "__MASTER_ADDRESS_PARAM__", "/k3s/master-address",
            "__API_TOKEN_PARAM__", "/k3s/api-token",
            "__CA_CERT_PARAM__", "/k3s/ca-cert",
            "__BOOTSTRAP_ASSET_URL__", "s3://assets/bootstrap.zip",
            "__API_SERVER_SAN__", "203.0.113.10",
            "__FAST_PATH_TOPIC_ARN__", TOPIC_ARN,
            "__HEADROOM_PARAM__", PrometheusWorkspace.HEADROOM_PARAM);
    /** The headroom rules for PrometheusWorkspace.HEADROOM_SETTING, written out: the record names are the alert's contract. */
    private static final String HEADROOM_RULES = """
            # Written by the master's bootstrap from the SSM parameter /k3s-autoscaler/demo/headroom: the autoscaler's HEADROOM_* and
            # WORKER_* settings, for the fast path's headroom alert (autoscaler-rules.yml). Do not edit here.
            groups:
              - name: k3s-autoscaler.headroom-setting
                rules:
                  - record: k3s_autoscaler:headroom_cpu:cores
                    expr: vector(1900 / 1000)
                  - record: k3s_autoscaler:headroom_memory:bytes
                    expr: vector(1600 * 1048576)
                  - record: k3s_autoscaler:worker_cpu:cores
                    expr: vector(1900 / 1000)
                  - record: k3s_autoscaler:worker_memory:bytes
                    expr: vector(1600 * 1048576)
            """;

    @TempDir
    Path work;
    private Path calls;
    private Path asset;
    private Path k3s;
    private Path configMaps;

    @BeforeEach
    void prepare() throws IOException {
        calls = work.resolve("calls.log");
        asset = work.resolve("asset.zip");
        zipBootstrapAsset(asset);
        configMaps = work.resolve("configmaps");
        // kubectl through the stubbed k3s binary: records its calls, answers what the script reads.
        k3s = work.resolve("k3s");
        Files.writeString(k3s, """
                #!/bin/bash
                [ "$1" = kubectl ] || exit 64
                shift
                echo "kubectl $*" >> "%s"
                case "$*" in
                  "get --raw=/readyz") echo ok ;;
                  *"create configmap"*)
                    # keeps each file under its key, as the ConfigMap would: configmaps/<name>/<key>
                    mkdir -p "%3$s/$5"
                    for arg in "$@"; do
                      case "$arg" in
                        --from-file=*=*) key=${arg#--from-file=}; key=${key%%%%=*} ;;
                        --from-file=*) key=$(basename "${arg#--from-file=}") ;;
                        *) continue ;;
                      esac
                      cp "${arg##*=}" "%3$s/$5/$key"
                    done
                    echo "configmap $5 from: $(ls "%3$s/$5" | tr '\\n' ' ')" ;;
                  "apply -f -") cat >> "%1$s" ;;
                  "-n kube-system create token k3s-autoscaler --duration=24h") printf '%%s\\n' '%s' ;;
                esac
                """.formatted(calls, SA_TOKEN, configMaps));
        Files.setPosixFilePermissions(k3s, PosixFilePermissions.fromString("rwx------"));
        // K3s writes its server CA at first start; the stub server has "started" already.
        Files.createDirectories(work.resolve("server/tls"));
        Files.writeString(work.resolve("server/tls/server-ca.crt"), CA_PEM);
        Files.createDirectories(work.resolve("systemd"));
        Files.createDirectories(work.resolve("ssm"));
        headroomSetting(PrometheusWorkspace.HEADROOM_SETTING);
    }

    /** The headroom parameter's value, as the CDK stack writes it (the AWS CLI prints it with a newline). */
    private void headroomSetting(String value) throws IOException {
        Files.writeString(work.resolve("ssm/headroom"), value + "\n");
    }

    private String stubs() {
        return ShellStubs.sleep(false) + ShellStubs.curl(Map.of(
                "instance-id", "i-0fedcba9876543210",
                "placement/availability-zone", "eu-west-1a",
                "placement/region", "eu-west-1",
                "local-ipv4", "10.0.1.10",
                "instance-type", "t3.medium"), calls) + """
                aws() {
                  case "$1 $2" in
                    "s3 cp") echo "s3 cp $4" >> "%1$s"; cp "%2$s" "$5" ;;
                    "ssm put-parameter") printf 'put %%s %%s [%%s]\\n' "$4" "$6" "$(cat "${8#file://}")" >> "%1$s"
                      cp "${8#file://}" "%5$s/$(basename "$4")" ;;
                    "ssm get-parameter") echo "get $4" >> "%1$s"; cat "%5$s/$(basename "$4")" ;;
                    *) return 1 ;;
                  esac
                }
                systemctl() {
                  echo "systemctl $*" >> "%1$s"
                  # K3s writes the agent token in secure form once the server runs.
                  mkdir -p "%3$s"
                  printf 'K10cafe::node:%%s\\n' "$(cat "%4$s/agent-token")" > "%3$s/agent-token"
                }
                """.formatted(calls, asset, work.resolve("server"), work.resolve("etc"), work.resolve("ssm"));
    }

    private ExternalTool.Result runMaster(String... arguments) throws IOException {
        return runMaster(PLACEHOLDERS, arguments);
    }

    private ExternalTool.Result runMaster(Map<String, String> placeholders, String... arguments) throws IOException {
        Path script = work.resolve("master-user-data.sh");
        Files.writeString(script, UserDataTemplates.load().renderForTest("master", placeholders, stubs(), Map.of(
                "/usr/local/bin/k3s", k3s.toString(),
                "/etc/rancher/k3s", work.resolve("etc").toString(),
                "/var/lib/rancher/k3s/server", work.resolve("server").toString(),
                "/opt/k3s-autoscaler/bootstrap", work.resolve("bootstrap").toString(),
                "/etc/systemd/system", work.resolve("systemd").toString())));
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(arguments));
        return ExternalTool.BASH.run(work, command.toArray(String[]::new));
    }

    @Test
    void master_publishesJoinInformationBeforeTheManifests_andTheApiCredentialsAfter() throws IOException {
        // WHEN
        ExternalTool.Result result = runMaster();

        // THEN the SSM writes carry exactly the values (no trailing newline), in boot order
        assertTrue(result.succeeded(), result.output());
        String secret = Files.readString(work.resolve("etc/agent-token"));
        String log = Files.readString(calls);
        int joinToken = log.indexOf("put /k3s/join-token SecureString [K10cafe::node:" + secret + "]\n");
        int address = log.indexOf("put /k3s/master-address String [10.0.1.10]\n");
        int manifests = log.indexOf("s3 cp s3://assets/bootstrap.zip\n");
        int apiToken = log.indexOf("put /k3s/api-token SecureString [" + SA_TOKEN + "]\n");
        int ca = log.indexOf("put /k3s/ca-cert String [" + CA_PEM.strip() + "]\n");
        assertTrue(joinToken >= 0 && address > joinToken && manifests > address && apiToken > manifests && ca > apiToken,
                "workers can join before the monitoring stack is applied; the API credentials come last:\n" + log);
        assertTrue(secret.matches("[0-9a-f]{64}"), "a 256-bit agent secret: " + secret);
    }

    @Test
    void master_appliesTheNamespaces_alertmanagersConfigMap_everyManifest_thenPrometheusConfigMap() throws IOException {
        ExternalTool.Result result = runMaster();

        assertTrue(result.succeeded(), result.output());
        List<String> kubectl = Files.readAllLines(calls).stream().filter(l -> l.startsWith("kubectl ")
                && !l.contains("readyz") && !l.contains("create token") && !l.contains("delete secret")).toList();
        Path bootstrap = work.resolve("bootstrap");
        assertEquals("kubectl apply -f " + bootstrap + "/manifests/00-namespaces.yaml", kubectl.get(0));
        // The two sides of each ConfigMap pipeline run concurrently: either may log first.
        assertTrue(kubectl.subList(1, 3).contains("kubectl apply -f -"), kubectl.toString());
        assertTrue(kubectl.subList(1, 3).stream().anyMatch(l -> l.startsWith(
                "kubectl -n monitoring create configmap alertmanager-config --from-file=alertmanager.yml=")), kubectl.toString());
        assertEquals("kubectl apply -f " + bootstrap + "/manifests/", kubectl.get(3));
        // Prometheus' ConfigMap follows its Deployment, which the checksum patch right after needs.
        assertTrue(kubectl.subList(4, 6).contains("kubectl apply -f -"), kubectl.toString());
        assertTrue(kubectl.subList(4, 6).stream().anyMatch(l -> l.matches(Pattern.quote(
                "kubectl -n monitoring create configmap prometheus-config --from-file=" + bootstrap + "/prometheus/prometheus.yml"
                        + " --from-file=" + bootstrap + "/prometheus/autoscaler-rules.yml --from-file=")
                + "/\\S+/headroom-rules.yml --dry-run=client -o yaml")), kubectl.toString());
        for (int i = 6; i < 8; i++) {
            assertTrue(kubectl.get(i).matches("kubectl -n monitoring patch deployment (prometheus|alertmanager) --type merge -p "
                    + "\\{\"spec\":\\{\"template\":\\{\"metadata\":\\{\"annotations\":\\{\"k3s-autoscaler/config-sha256\":\"[0-9a-f]{16}\"}}}}}"),
                    kubectl.get(i));
        }
        // Prometheus' ConfigMap holds its own files only: neither template is one of them.
        String log = Files.readString(calls);
        assertTrue(log.contains("configmap prometheus-config from: autoscaler-rules.yml headroom-rules.yml prometheus.yml \n"), log);
        assertTrue(log.contains("configmap alertmanager-config from: alertmanager.yml \n"), log);
    }

    @Test
    void master_rendersTheFastPathAlertmanagerConfig_withItsTopicAndRegion_whichAmtoolAccepts() throws IOException {
        // WHEN the master boots with the fast path's topic
        ExternalTool.Result result = runMaster();

        // THEN the ConfigMap holds the template with this cluster's values, nothing left to fill
        assertTrue(result.succeeded(), result.output());
        Path rendered = configMaps.resolve("alertmanager-config/alertmanager.yml");
        String config = Files.readString(rendered);
        assertAll(
                () -> assertTrue(config.contains("topic_arn: " + TOPIC_ARN + "\n"), config),
                () -> assertTrue(config.contains("region: eu-west-1\n"), config),
                () -> assertFalse(config.contains("${"), config));
        ExternalTool.Result check = ExternalTool.AMTOOL.run(work, "check-config", rendered.toString());
        assertTrue(check.succeeded(), check.output());
        assertTrue(check.output().contains("2 receivers"), check.output());
    }

    @Test
    void master_withTheFastPathOff_dropsEveryAlert_andReadsNoHeadroomParameter() throws IOException {
        // GIVEN a stack with unschedulableFastPath=false: no topic, no headroom parameter
        Map<String, String> placeholders = new HashMap<>(PLACEHOLDERS);
        placeholders.put("__FAST_PATH_TOPIC_ARN__", "");
        placeholders.put("__HEADROOM_PARAM__", "");

        // WHEN
        ExternalTool.Result result = runMaster(placeholders);

        // THEN Alertmanager runs with the null receiver only, and amtool accepts that too
        assertTrue(result.succeeded(), result.output());
        Path rendered = configMaps.resolve("alertmanager-config/alertmanager.yml");
        assertFalse(Files.readString(rendered).contains("sns_configs"), Files.readString(rendered));
        ExternalTool.Result check = ExternalTool.AMTOOL.run(work, "check-config", rendered.toString());
        assertTrue(check.succeeded(), check.output());
        assertTrue(check.output().contains("1 receivers"), check.output());
        ExternalTool.Result route = ExternalTool.AMTOOL.run(work, "config", "routes", "test",
                "--config.file=" + rendered, "receiver=k3s-autoscaler-tick", "alertname=K3sAutoscalerPodsUnschedulable");
        assertTrue(route.output().strip().endsWith("null"), route.output());
        // AND the rule file prometheus.yml names exists, without rules, and no parameter was read
        assertNoHeadroomRules("# The fast path is off (unschedulableFastPath=false): no headroom rules.");
        assertFalse(Files.readString(calls).contains("get /k3s-autoscaler/demo/headroom"), Files.readString(calls));
        assertFalse(result.output().contains("WARNING"), result.output());
    }

    @Test
    void master_writesTheHeadroomSetting_asRecordingRules_thatPromtoolAccepts() throws IOException {
        // GIVEN the stack's headroom parameter: 1900 m and 1600 MiB of headroom, a worker of the same size (prepare)

        // WHEN the master boots
        ExternalTool.Result result = runMaster();

        // THEN Prometheus' ConfigMap holds the four settings as recording rules, the very file
        // PrometheusWorkspace gives promtool and Prometheus, and promtool accepts it
        assertTrue(result.succeeded(), result.output());
        Path rendered = configMaps.resolve("prometheus-config/headroom-rules.yml");
        assertEquals(HEADROOM_RULES, Files.readString(rendered));
        assertEquals(PrometheusWorkspace.renderHeadroomRules(PrometheusWorkspace.HEADROOM_PARAM,
                PrometheusWorkspace.HEADROOM_SETTING), Files.readString(rendered));
        ExternalTool.Result check = ExternalTool.PROMTOOL.run(work, "check", "rules", rendered.toString());
        assertTrue(check.succeeded(), check.output());
        assertTrue(check.output().contains("SUCCESS: 4 rules found"), check.output());
        assertFalse(result.output().contains("WARNING"), result.output());
    }

    @Test
    void master_withNoHeadroomConfigured_writesNoHeadroomRules() throws IOException {
        // GIVEN the autoscaler's default: no headroom
        headroomSetting("HEADROOM_CPU_MILLIS=0 HEADROOM_MEMORY_MIB=0 WORKER_CPU_MILLIS=1900 WORKER_MEMORY_MIB=1600");

        // WHEN
        ExternalTool.Result result = runMaster();

        // THEN
        assertTrue(result.succeeded(), result.output());
        assertNoHeadroomRules("# No headroom configured: no headroom rules.");
        assertFalse(result.output().contains("WARNING"), result.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "HEADROOM_CPU_MILLIS=1.9 HEADROOM_MEMORY_MIB=1600 WORKER_CPU_MILLIS=1900 WORKER_MEMORY_MIB=1600",
            // PromQL would read 0100 as octal
            "HEADROOM_CPU_MILLIS=0100 HEADROOM_MEMORY_MIB=1600 WORKER_CPU_MILLIS=1900 WORKER_MEMORY_MIB=1600",
            "HEADROOM_MEMORY_MIB=1600 HEADROOM_CPU_MILLIS=1900 WORKER_CPU_MILLIS=1900 WORKER_MEMORY_MIB=1600",
            "HEADROOM_CPU_MILLIS=1900 HEADROOM_MEMORY_MIB=1600 WORKER_CPU_MILLIS=1900",
            "HEADROOM_CPU_MILLIS=1900 HEADROOM_MEMORY_MIB=1600 WORKER_CPU_MILLIS=1900 WORKER_MEMORY_MIB=1600 EXTRA=1",
            "HEADROOM_CPU_MILLIS=1900 HEADROOM_MEMORY_MIB=1600\nWORKER_CPU_MILLIS=1900 WORKER_MEMORY_MIB=1600",
            "headroom: 1900m, it's 1600Mi"})
    void master_withAMalformedHeadroomSetting_warnsNamingTheParameter_andBootsWithoutHeadroomRules(String value)
            throws IOException {
        // GIVEN
        headroomSetting(value);

        // WHEN
        ExternalTool.Result result = runMaster();

        // THEN the log says which parameter holds what, and the boot completes without headroom rules,
        // in a rule file that stays valid whatever the value holds
        assertTrue(result.succeeded(), result.output());
        assertTrue(result.output().contains("WARNING: SSM /k3s-autoscaler/demo/headroom is "), result.output());
        assertTrue(result.output().contains(", not HEADROOM_CPU_MILLIS=<n> HEADROOM_MEMORY_MIB=<n> WORKER_CPU_MILLIS=<n>"
                + " WORKER_MEMORY_MIB=<n>: no headroom rules\n"), result.output());
        assertTrue(result.output().contains("master bootstrap done"), result.output());
        List<String> rules = Files.readAllLines(configMaps.resolve("prometheus-config/headroom-rules.yml"));
        assertEquals(2, rules.size(), rules.toString());
        assertTrue(rules.getFirst().startsWith("# WARNING: SSM /k3s-autoscaler/demo/headroom is "), rules.getFirst());
        assertEquals("groups: []", rules.get(1));
        ExternalTool.Result check = ExternalTool.PROMTOOL.run(work, "check", "rules",
                configMaps.resolve("prometheus-config/headroom-rules.yml").toString());
        assertTrue(check.succeeded(), check.output());
    }

    @Test
    void master_withAnUnreadableHeadroomParameter_retries_thenWarnsAndBootsWithoutHeadroomRules() throws IOException {
        // GIVEN a parameter the master cannot read (missing, or no ssm:GetParameter on it)
        Files.delete(work.resolve("ssm/headroom"));

        // WHEN
        ExternalTool.Result result = runMaster();

        // THEN it tried more than once, then went on without the headroom rules
        assertTrue(result.succeeded(), result.output());
        long reads = Files.readAllLines(calls).stream().filter("get /k3s-autoscaler/demo/headroom"::equals).count();
        assertTrue(reads > 1, "reads: " + reads);
        assertTrue(result.output().contains("WARNING: could not read SSM /k3s-autoscaler/demo/headroom: no headroom rules\n"),
                result.output());
        assertNoHeadroomRules("# WARNING: could not read SSM /k3s-autoscaler/demo/headroom: no headroom rules.");
        assertTrue(result.output().contains("master bootstrap done"), result.output());
    }

    private void assertNoHeadroomRules(String comment) throws IOException {
        assertEquals(comment + "\ngroups: []\n", Files.readString(configMaps.resolve("prometheus-config/headroom-rules.yml")));
    }

    @Test
    void master_configuresATaintedServer_reachableAtItsPublicAddress_andNeverManaged() throws IOException {
        ExternalTool.Result result = runMaster();

        assertTrue(result.succeeded(), result.output());
        String config = Files.readString(work.resolve("etc/config.yaml"));
        assertAll(
                () -> assertTrue(config.contains("tls-san:\n  - \"10.0.1.10\"\n  - \"203.0.113.10\"\n"), config),
                () -> assertTrue(config.contains("- \"node-role.kubernetes.io/control-plane=true:NoSchedule\""), config),
                () -> assertTrue(config.contains("- \"provider-id=aws:///eu-west-1a/i-0fedcba9876543210\""), config),
                () -> assertTrue(config.contains("agent-token-file: \"" + work.resolve("etc/agent-token") + "\""), config),
                () -> assertFalse(config.contains("k3s-autoscaler/managed"), config),
                () -> assertTrue(Files.readString(calls).contains("installer exec=server version=v1.33.2+k3s1")));
    }

    @Test
    void master_rerun_keepsTheAgentSecret_soJoinedWorkersStayValid() throws IOException {
        // GIVEN a first boot
        assertTrue(runMaster().succeeded());
        String first = Files.readString(work.resolve("etc/agent-token"));

        // WHEN the script runs again on the same instance
        ExternalTool.Result again = runMaster();

        // THEN the agent secret and the published join token are unchanged
        assertTrue(again.succeeded(), again.output());
        assertEquals(first, Files.readString(work.resolve("etc/agent-token")));
        long joinTokenWrites = Files.readAllLines(calls).stream()
                .filter(l -> l.equals("put /k3s/join-token SecureString [K10cafe::node:" + first + "]")).count();
        assertEquals(2, joinTokenWrites);
    }

    @Test
    void master_issuesAnExpiringTokenThroughTheTokenRequestApi_neverReadingATokenSecret() throws IOException {
        ExternalTool.Result result = runMaster();

        assertTrue(result.succeeded(), result.output());
        List<String> kubectl = Files.readAllLines(calls).stream().filter(l -> l.startsWith("kubectl ")).toList();
        assertAll(
                () -> assertTrue(kubectl.contains("kubectl -n kube-system create token k3s-autoscaler --duration=24h"),
                        String.join("\n", kubectl)),
                () -> assertFalse(kubectl.stream().anyMatch(l -> l.contains("get secret")), String.join("\n", kubectl)),
                // exactly the token: a trailing newline would end up in the Lambdas' Authorization header
                () -> assertEquals(SA_TOKEN, Files.readString(work.resolve("ssm/api-token"))));
    }

    @Test
    void master_deletesTheLegacyTokenSecret_soANeverExpiringTokenLeftByAnEarlierVersionStopsWorking() throws IOException {
        ExternalTool.Result result = runMaster();

        assertTrue(result.succeeded(), result.output());
        assertTrue(Files.readAllLines(calls).contains(
                "kubectl -n kube-system delete secret k3s-autoscaler-token --ignore-not-found"), Files.readString(calls));
    }

    @Test
    void master_installsATimer_thatRunsTheSameScriptToReissueTheToken() throws IOException {
        ExternalTool.Result result = runMaster();

        assertTrue(result.succeeded(), result.output());
        String service = Files.readString(work.resolve("systemd/k3s-autoscaler-api-token.service"));
        String timer = Files.readString(work.resolve("systemd/k3s-autoscaler-api-token.timer"));
        assertAll(
                () -> assertTrue(service.contains("Type=oneshot\n"), service),
                () -> assertTrue(service.contains("ExecStart=/bin/bash " + work.resolve("master-user-data.sh").toRealPath()
                        + " publish-api-token\n"), service),
                () -> assertTrue(timer.contains("OnCalendar=*-*-* 00/6:00:00\n"), timer),
                () -> assertTrue(timer.contains("Persistent=true\n"), timer),
                () -> assertTrue(timer.contains("WantedBy=timers.target"), timer),
                () -> assertTrue(Files.readString(calls).contains("systemctl enable --now k3s-autoscaler-api-token.timer\n")));
    }

    @Test
    void publishApiToken_reissuesTheTokenAndCa_andReappliesOnlyPrometheusConfig() throws IOException {
        // GIVEN a master that booted
        assertTrue(runMaster().succeeded());
        Files.delete(calls);

        // WHEN the timer runs the script
        ExternalTool.Result result = runMaster("publish-api-token");

        // THEN a new token and the CA are published and Prometheus' configuration applied from the asset
        // the boot left; nothing else of the boot runs again
        assertTrue(result.succeeded(), result.output());
        String log = Files.readString(calls);
        assertAll(
                () -> assertTrue(log.contains("kubectl -n kube-system create token k3s-autoscaler --duration=24h\n"), log),
                () -> assertTrue(log.contains("put /k3s/api-token SecureString [" + SA_TOKEN + "]\n"), log),
                () -> assertTrue(log.contains("put /k3s/ca-cert String [" + CA_PEM.strip() + "]\n"), log),
                () -> assertTrue(log.contains("configmap prometheus-config from: "), log),
                () -> assertEquals(List.of("kubectl apply -f -"),
                        Files.readAllLines(calls).stream().filter(l -> l.contains(" apply ")).toList(), log),
                () -> assertFalse(log.contains("s3 cp"), log),
                () -> assertFalse(log.contains("installer"), log),
                () -> assertFalse(log.contains("join-token"), log),
                () -> assertFalse(log.contains("alertmanager"), log),
                () -> assertFalse(log.contains("systemctl"), log),
                () -> assertFalse(result.output().contains(SA_TOKEN), result.output()));
    }

    @Test
    void publishApiToken_bringsAChangedHeadroomSettingToPrometheus_restartingItOnlyThen() throws IOException {
        // GIVEN a master that booted with the sample setting
        assertTrue(runMaster().succeeded());
        String booted = prometheusConfigChecksum();

        // WHEN the timer runs with the parameter unchanged
        assertTrue(runMaster("publish-api-token").succeeded());

        // THEN the patch carries the same checksum: the Deployment does not roll
        assertEquals(booted, prometheusConfigChecksum());

        // WHEN the stack has changed the setting, and the timer runs again
        String changed = "HEADROOM_CPU_MILLIS=2900 HEADROOM_MEMORY_MIB=3200 WORKER_CPU_MILLIS=3900 WORKER_MEMORY_MIB=7600";
        headroomSetting(changed);
        ExternalTool.Result result = runMaster("publish-api-token");

        // THEN the ConfigMap holds the new setting, and a new checksum restarts Prometheus with it
        assertTrue(result.succeeded(), result.output());
        String rules = Files.readString(configMaps.resolve("prometheus-config/headroom-rules.yml"));
        assertEquals(PrometheusWorkspace.renderHeadroomRules(PrometheusWorkspace.HEADROOM_PARAM, changed), rules);
        assertTrue(rules.contains("expr: vector(2900 / 1000)\n"), rules);
        assertNotEquals(booted, prometheusConfigChecksum());
    }

    @Test
    void publishApiToken_thatCannotReadTheHeadroomParameter_keepsTheRulesPrometheusHas() throws IOException {
        // GIVEN a master that booted with the sample setting, then an SSM outage at the timer's run
        assertTrue(runMaster().succeeded());
        Files.delete(calls);
        Files.delete(work.resolve("ssm/headroom"));

        // WHEN the timer runs the script
        ExternalTool.Result result = runMaster("publish-api-token");

        // THEN the token is published, Prometheus' configuration is neither replaced nor restarted, and the log says why
        assertTrue(result.succeeded(), result.output());
        assertTrue(result.output().contains("WARNING: could not read SSM /k3s-autoscaler/demo/headroom: rules kept\n"),
                result.output());
        String log = Files.readString(calls);
        assertTrue(log.contains("put /k3s/api-token SecureString [" + SA_TOKEN + "]\n"), log);
        assertFalse(log.contains("prometheus-config") || log.contains("patch deployment prometheus"), log);
        assertEquals(HEADROOM_RULES, Files.readString(configMaps.resolve("prometheus-config/headroom-rules.yml")));
    }

    @Test
    void publishApiToken_withoutTheBootstrapAsset_publishesTheToken_andSaysPrometheusIsLeftAlone() throws IOException {
        // GIVEN a master whose boot never fetched the asset

        // WHEN the timer runs the script
        ExternalTool.Result result = runMaster("publish-api-token");

        // THEN
        assertTrue(result.succeeded(), result.output());
        assertTrue(result.output().contains("no bootstrap asset in " + work.resolve("bootstrap")
                + ": headroom rules not refreshed"), result.output());
        String log = Files.readString(calls);
        assertTrue(log.contains("put /k3s/api-token SecureString [" + SA_TOKEN + "]\n"), log);
        assertFalse(log.contains("configmap"), log);
    }

    /** The checksum of the last restart_on_change patch of Prometheus: a new one rolls the Deployment. */
    private String prometheusConfigChecksum() throws IOException {
        return Files.readAllLines(calls).stream()
                .filter(l -> l.startsWith("kubectl -n monitoring patch deployment prometheus "))
                .reduce((first, last) -> last).orElseThrow()
                .replaceAll(".*\"k3s-autoscaler/config-sha256\":\"([0-9a-f]{16})\".*", "$1");
    }

    @Test
    void master_neverPrintsASecret() throws IOException {
        ExternalTool.Result result = runMaster();

        String secret = Files.readString(work.resolve("etc/agent-token"));
        assertAll(
                () -> assertTrue(result.succeeded(), result.output()),
                () -> assertFalse(result.output().contains(secret), result.output()),
                () -> assertFalse(result.output().contains(SA_TOKEN), result.output()),
                () -> assertTrue(result.output().contains("master bootstrap done"), result.output()));
    }

    /** The bootstrap asset as the CDK stack uploads it: manifests/ and prometheus/ at the zip's root. */
    private static void zipBootstrapAsset(Path zip) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream archive = new ZipOutputStream(out)) {
            for (Path dir : List.of(BootstrapFiles.MANIFESTS, BootstrapFiles.PROMETHEUS)) {
                for (Path file : BootstrapFiles.list(dir, ".yaml", ".yml", ".tpl")) {
                    archive.putNextEntry(new ZipEntry(dir.getFileName() + "/" + file.getFileName()));
                    archive.write(Files.readAllBytes(file));
                    archive.closeEntry();
                }
            }
        }
    }
}
