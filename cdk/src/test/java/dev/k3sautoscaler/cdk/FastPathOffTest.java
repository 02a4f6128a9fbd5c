package dev.k3sautoscaler.cdk;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.contract.Step;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** unschedulableFastPath=false: nothing of the fast path is deployed, and the master is told so. */
class FastPathOffTest {

    @Test
    void withoutTheFastPath_noTopicFunctionQueueOrAlarm_andTheMasterGetsNoTopicAndNoPublish() {
        // GIVEN
        Template template = Template.fromStack(Synth.stack(Synth.props().unschedulableFastPath(false).build()));
        JsonNode resources = new ObjectMapper().valueToTree(template.toJSON()).get("Resources");

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
        resources.properties().forEach(e -> {
            if (e.getValue().get("Type").asText().equals("AWS::IAM::Policy")
                    && e.getValue().at("/Properties/Roles").toString().contains("MasterRole")) {
                assertFalse(e.getValue().at("/Properties/PolicyDocument").toString().contains("sns:"), "the master publishes nothing");
            }
        });
        // AND the master renders Alertmanager's null-only configuration (cluster-bootstrap MasterUserDataIT)
        String userData = resources.properties().stream().filter(e -> e.getValue().get("Type").asText().equals("AWS::EC2::Instance"))
                .findFirst().orElseThrow().getValue().at("/Properties/UserData").toString();
        assertTrue(userData.contains("readonly FAST_PATH_TOPIC_ARN=\\\"\\\"\\n"), "an empty topic ARN");
    }
}
