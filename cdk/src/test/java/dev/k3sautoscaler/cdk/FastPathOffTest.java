package dev.k3sautoscaler.cdk;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.contract.Step;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** unschedulableFastPath=false: nothing of the fast path is deployed, and the master is told so. */
class FastPathOffTest {
    private static Template template;
    private static JsonNode resources;

    @BeforeAll
    static void synthesize() {
        // GIVEN
        template = Template.fromStack(Synth.stack(Synth.props().unschedulableFastPath(false).build()));
        resources = new ObjectMapper().valueToTree(template.toJSON()).get("Resources");
    }

    @Test
    void withoutTheFastPath_noTopicFunctionQueueOrAlarm_andTheMasterGetsNoTopicAndNoPublish() {
        // THEN the schedule is the only way to the tick
        template.resourceCountIs("AWS::SNS::Topic", 1); // the notifications topic
        template.resourceCountIs("AWS::SNS::Subscription", 0);
        template.resourceCountIs("AWS::SQS::Queue", 0);
        template.resourceCountIs("AWS::Lambda::EventInvokeConfig", 0);
        template.resourceCountIs("AWS::Lambda::Permission", 0);
        template.resourceCountIs("AWS::Lambda::Function", Step.values().length); // the steps' only
        template.resourceCountIs("AWS::Scheduler::Schedule", 1);
        assertTrue(template.findResources("AWS::CloudWatch::Alarm", Map.of("Properties", Map.of(
                "AlarmName", "demo-FastPathDeadLetters"))).isEmpty());
        assertFalse(resources.properties().stream().anyMatch(e -> e.getKey().contains("FastPath")
                || e.getKey().contains("StartTickOnAlert")), "no fast-path resource at all");
        assertFalse(masterPolicies().contains("sns:"), "the master publishes nothing");
        // AND the master renders Alertmanager's null-only configuration (cluster-bootstrap MasterUserDataIT)
        assertTrue(masterUserData().contains("readonly FAST_PATH_TOPIC_ARN=\\\"\\\"\\n"), "an empty topic ARN");
    }

    @Test
    void withoutTheFastPath_noHeadroomParameter_andTheMasterGetsNoNameAndNoRead() {
        // THEN no alert needs the headroom settings: no parameter
        template.resourceCountIs("AWS::SSM::Parameter", 0);
        assertFalse(masterPolicies().contains("ssm:GetParameter"), "the master reads no parameter");
        assertFalse(masterPolicies().contains("/headroom"), "nothing of the headroom parameter");
        // AND an empty name, with which the master writes no headroom rules
        assertTrue(masterUserData().contains("readonly HEADROOM_PARAM=\\\"\\\"\\n"), "an empty parameter name");
    }

    /** The statements of every policy attached to the master's role, as JSON text. */
    private static String masterPolicies() {
        StringBuilder statements = new StringBuilder();
        resources.properties().forEach(e -> {
            if (e.getValue().get("Type").asText().equals("AWS::IAM::Policy")
                    && e.getValue().at("/Properties/Roles").toString().contains("MasterRole")) {
                statements.append(e.getValue().at("/Properties/PolicyDocument"));
            }
        });
        assertFalse(statements.isEmpty(), "the master role has a policy");
        return statements.toString();
    }

    private static String masterUserData() {
        return resources.properties().stream().filter(e -> e.getValue().get("Type").asText().equals("AWS::EC2::Instance"))
                .findFirst().orElseThrow().getValue().at("/Properties/UserData").toString();
    }
}
