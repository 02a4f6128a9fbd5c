package dev.k3sautoscaler.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.contract.Step;
import dev.k3sautoscaler.core.config.ConfigVariable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * The headroom-short alert's settings (fast path on, as in Synth.props()): an SSM String the stack
 * writes from its configuration, which the master alone may read, by a name its user data holds.
 */
class HeadroomParameterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "/k3s-autoscaler/demo/headroom";
    private static JsonNode withHeadroom;
    private static JsonNode defaults;

    @BeforeAll
    static void synthesize() {
        // GIVEN a headroom of one t3.small, on workers of another size (so the four numbers differ),
        // and the defaults (no headroom)
        withHeadroom = resourcesOf(Synth.props()
                .setting(ConfigVariable.HEADROOM_CPU_MILLIS, 1900)
                .setting(ConfigVariable.HEADROOM_MEMORY_MIB, 1600)
                .setting(ConfigVariable.WORKER_CPU_MILLIS, 3900)
                .setting(ConfigVariable.WORKER_MEMORY_MIB, 7400)
                .build());
        defaults = resourcesOf(Synth.props().build());
    }

    @Test
    void theParameter_holdsTheHeadroomAndTheWorkerSize_onOneLine() {
        // WHEN
        JsonNode parameter = onlyParameter(withHeadroom);

        // THEN a String of this cluster's name, the four numbers in their order
        assertEquals(NAME, parameter.get("Name").asText());
        assertEquals("String", parameter.get("Type").asText());
        assertEquals("HEADROOM_CPU_MILLIS=1900 HEADROOM_MEMORY_MIB=1600 WORKER_CPU_MILLIS=3900 WORKER_MEMORY_MIB=7400",
                parameter.get("Value").asText());
        String description = parameter.get("Description").asText();
        assertTrue(description.contains("master") && description.contains("Prometheus"), description);
    }

    /**
     * The value's format lives twice, in this stack and in the master's bash: the master's own pattern
     * (its {@code n} and {@code format} lines, read from master.sh.tpl) must accept what the stack writes,
     * or the master would boot with a warning and no headroom alert.
     */
    @Test
    void theValues_theStackWrites_areTheFormatTheMasterReads() throws java.io.IOException {
        // GIVEN the master's pattern, as its script spells it
        String script = java.nio.file.Files.readString(
                Synth.REPOSITORY_ROOT.resolve("cluster-bootstrap/userdata/master.sh.tpl"));
        java.util.regex.Matcher number = java.util.regex.Pattern.compile(" n='([^']+)'").matcher(script);
        java.util.regex.Matcher format = java.util.regex.Pattern.compile("local format=\"([^\"]+)\"").matcher(script);
        assertTrue(number.find() && format.find(), "render_headroom_rules' n= and format= lines in master.sh.tpl");
        java.util.regex.Pattern master = java.util.regex.Pattern.compile(
                "^" + format.group(1).replace("$n", number.group(1)) + "$");

        // WHEN / THEN both values the stack writes match it whole
        for (JsonNode resources : List.of(withHeadroom, defaults)) {
            String value = onlyParameter(resources).get("Value").asText();
            assertTrue(master.matcher(value).matches(), value + " against " + master);
        }
        assertFalse(master.matcher("HEADROOM_CPU_MILLIS=01 HEADROOM_MEMORY_MIB=0 WORKER_CPU_MILLIS=1 WORKER_MEMORY_MIB=1").matches(),
                "the pattern read is the strict one");
    }

    @Test
    void theParameter_isWrittenWithoutAHeadroomToo() {
        // GIVEN / WHEN the defaults / THEN zeros, with which the master writes no rule
        assertEquals("HEADROOM_CPU_MILLIS=0 HEADROOM_MEMORY_MIB=0 WORKER_CPU_MILLIS=1900 WORKER_MEMORY_MIB=1600",
                onlyParameter(defaults).get("Value").asText());
    }

    @Test
    void theParameter_holdsTheNumbersTheLambdasReceive() {
        // GIVEN what Decide gets in its environment
        JsonNode decide = resourceWith(withHeadroom, "AWS::Lambda::Function", "/Properties/FunctionName",
                "demo-" + Step.DECIDE.functionName()).at("/Properties/Environment/Variables");

        // THEN each of the four is the parameter's, as it is spelled there
        String value = onlyParameter(withHeadroom).get("Value").asText();
        for (ConfigVariable variable : List.of(ConfigVariable.HEADROOM_CPU_MILLIS, ConfigVariable.HEADROOM_MEMORY_MIB,
                ConfigVariable.WORKER_CPU_MILLIS, ConfigVariable.WORKER_MEMORY_MIB)) {
            assertTrue(List.of(value.split(" ")).contains(variable.name() + "=" + decide.get(variable.name()).asText()),
                    variable.name() + " in " + value);
        }
    }

    @Test
    void theMaster_alone_mayGetTheParameter_andNothingElseOfIt() {
        // GIVEN every IAM statement that names the parameter
        List<JsonNode> naming = new ArrayList<>();
        List<JsonNode> masters = new ArrayList<>();
        withHeadroom.properties().forEach(e -> {
            if (e.getValue().get("Type").asText().equals("AWS::IAM::Policy")) {
                e.getValue().at("/Properties/PolicyDocument/Statement").forEach(statement -> {
                    if (statement.toString().contains(":parameter" + NAME)) {
                        naming.add(statement);
                        if (e.getValue().at("/Properties/Roles").toString().contains("MasterRole")) {
                            masters.add(statement);
                        }
                    }
                });
            }
        });

        // THEN one, the master's: ssm:GetParameter on that one ARN
        assertEquals(1, naming.size(), naming.toString());
        assertEquals(naming, masters, "the master role's");
        JsonNode read = naming.getFirst();
        assertEquals("ssm:GetParameter", read.get("Action").asText());
        assertEquals("Allow", read.get("Effect").asText());
        assertTrue(read.get("Resource").isObject(), "one resource: " + read.get("Resource"));
        assertTrue(read.get("Resource").toString().endsWith(":ssm:eu-west-1:123456789012:parameter" + NAME + "\"]]}"),
                read.get("Resource").toString());
    }

    @Test
    void theMaster_getsTheParametersName_andBootsOnceItExists() {
        // WHEN
        JsonNode master = master(withHeadroom);

        // THEN its user data holds the name (the value stays out of it)
        String userData = master.at("/Properties/UserData").toString();
        assertTrue(userData.contains("readonly HEADROOM_PARAM=\\\"" + NAME + "\\\"\\n"), "the parameter's name");
        // (the script spells the value's format, HEADROOM_CPU_MILLIS=$n …, but never a number of this stack)
        assertFalse(userData.contains("HEADROOM_CPU_MILLIS=1900") || userData.contains("WORKER_MEMORY_MIB=7400"),
                "no setting in the user data");
        // AND CloudFormation creates the parameter before the master, whose first boot reads it
        String parameterId = withHeadroom.properties().stream()
                .filter(e -> e.getValue().get("Type").asText().equals("AWS::SSM::Parameter"))
                .findFirst().orElseThrow().getKey();
        assertTrue(master.get("DependsOn").toString().contains("\"" + parameterId + "\""), master.get("DependsOn").toString());
    }

    @Test
    void aNewHeadroom_changesTheParameter_butNotTheMaster() {
        // THEN the two stacks' masters are the same (a user data change would stop and start it)
        assertEquals(master(defaults), master(withHeadroom));
        assertEquals(masterRolePolicy(defaults), masterRolePolicy(withHeadroom));
    }

    // ---------------------------------------------------------------- helpers

    private static JsonNode resourcesOf(K3sAutoscalerProps props) {
        return JSON.valueToTree(Template.fromStack(Synth.stack(props)).toJSON()).get("Resources");
    }

    private static JsonNode onlyParameter(JsonNode resources) {
        List<JsonNode> parameters = resources.properties().stream().map(Map.Entry::getValue)
                .filter(r -> r.get("Type").asText().equals("AWS::SSM::Parameter")).toList();
        assertEquals(1, parameters.size(), parameters.toString());
        return parameters.getFirst().get("Properties");
    }

    private static JsonNode master(JsonNode resources) {
        return resources.properties().stream().map(Map.Entry::getValue)
                .filter(r -> r.get("Type").asText().equals("AWS::EC2::Instance")).findFirst().orElseThrow();
    }

    private static JsonNode masterRolePolicy(JsonNode resources) {
        return resources.properties().stream().map(Map.Entry::getValue)
                .filter(r -> r.get("Type").asText().equals("AWS::IAM::Policy")
                        && r.at("/Properties/Roles").toString().contains("MasterRole"))
                .findFirst().orElseThrow();
    }

    /** The one resource of {@code type} whose property at {@code pointer} is {@code value}. */
    private static JsonNode resourceWith(JsonNode resources, String type, String pointer, String value) {
        return resources.properties().stream().map(Map.Entry::getValue)
                .filter(r -> r.get("Type").asText().equals(type) && r.at(pointer).asText().equals(value))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " with " + pointer + "=" + value));
    }
}
