package dev.k3sautoscaler.cdk;

import dev.k3sautoscaler.contract.Step;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The VPC networking modes: cluster-facing Lambdas inside, 6443 closed to the world. */
class NetworkingModesTest {

    @Test
    void vpcEndpoints_putClusterLambdasInIsolatedSubnets_withSsmEc2AndDynamoDbEndpoints_andNoNat() {
        // GIVEN / WHEN
        JsonNode resources = synth(NetworkingMode.VPC_ENDPOINTS);

        // THEN
        // SSM for the API token; EC2 for ReconcileWorkers, the one cluster-facing step that also reads EC2
        // (IdentifyEventInstance reads EC2 only, from outside the VPC);
        // DynamoDB (a gateway) for the lease fence of cordon, drain and delete
        List<JsonNode> endpoints = ofType(resources, "AWS::EC2::VPCEndpoint");
        assertEquals(3, endpoints.size());
        assertTrue(endpoints.stream().anyMatch(e -> e.toString().contains(".ssm")), endpoints.toString());
        assertTrue(endpoints.stream().anyMatch(e -> e.toString().contains(".ec2")), endpoints.toString());
        assertTrue(endpoints.stream().anyMatch(e -> e.toString().contains(".dynamodb")
                && "Gateway".equals(e.at("/Properties/VpcEndpointType").asText())), endpoints.toString());
        assertEquals(0, ofType(resources, "AWS::EC2::NatGateway").size());
        assertClusterLambdasInVpcOnly(resources);
        assertNothingOpenToTheWorld(resources);
    }

    @Test
    void vpcNat_putClusterLambdasBehindOneNatGateway() {
        JsonNode resources = synth(NetworkingMode.VPC_NAT);

        assertEquals(1, ofType(resources, "AWS::EC2::NatGateway").size());
        assertEquals(0, ofType(resources, "AWS::EC2::VPCEndpoint").size());
        assertClusterLambdasInVpcOnly(resources);
        assertNothingOpenToTheWorld(resources);
    }

    @Test
    void publicApi_hasNoNatNoEndpointAndNoLambdaInTheVpc() {
        JsonNode resources = synth(NetworkingMode.PUBLIC_API);

        assertEquals(0, ofType(resources, "AWS::EC2::NatGateway").size());
        assertEquals(0, ofType(resources, "AWS::EC2::VPCEndpoint").size());
        ofType(resources, "AWS::Lambda::Function").forEach(f -> assertFalse(f.at("/Properties").has("VpcConfig")));
    }

    @Test
    void flowLogs_areOffByDefault() {
        assertEquals(0, ofType(synth(NetworkingMode.PUBLIC_API), "AWS::EC2::FlowLog").size());
    }

    @Test
    void flowLogs_whenOn_recordTheVpcToALogGroupWithRetention() {
        // GIVEN / WHEN
        JsonNode resources = resourcesOf(Synth.props().vpcFlowLogs(true).logRetentionDays(14).build());

        // THEN one flow log of the VPC, all traffic, to CloudWatch Logs
        List<JsonNode> flowLogs = ofType(resources, "AWS::EC2::FlowLog");
        assertEquals(1, flowLogs.size());
        JsonNode flowLog = flowLogs.getFirst().get("Properties");
        assertEquals("VPC", flowLog.get("ResourceType").asText());
        assertEquals("ALL", flowLog.get("TrafficType").asText());
        assertEquals("cloud-watch-logs", flowLog.get("LogDestinationType").asText());
        String group = flowLog.at("/LogGroupName/Ref").asText();
        assertEquals(14, resources.at("/" + group + "/Properties/RetentionInDays").asInt(), flowLog.toString());
    }

    private static void assertClusterLambdasInVpcOnly(JsonNode resources) {
        for (JsonNode function : ofType(resources, "AWS::Lambda::Function")) {
            String name = function.at("/Properties/FunctionName").asText().substring("demo-".length());
            // The fast path's function is no step: it reaches the Step Functions API only.
            boolean reachesCluster = !name.equals("start-tick-on-alert")
                    && Step.ofFunction(name).orElseThrow(() -> new AssertionError(name)).reach().reachesCluster();
            assertEquals(reachesCluster, function.at("/Properties").has("VpcConfig"), name);
        }
    }

    private static void assertNothingOpenToTheWorld(JsonNode resources) {
        List<JsonNode> rules = new ArrayList<>(ofType(resources, "AWS::EC2::SecurityGroupIngress"));
        ofType(resources, "AWS::EC2::SecurityGroup").forEach(g -> g.at("/Properties/SecurityGroupIngress").forEach(rules::add));
        rules.forEach(r -> assertFalse(r.toString().contains("0.0.0.0/0"), r.toString()));
    }

    private static JsonNode synth(NetworkingMode mode) {
        return resourcesOf(Synth.props().networkingMode(mode).build());
    }

    private static JsonNode resourcesOf(K3sAutoscalerProps props) {
        Template template = Template.fromStack(Synth.stack(props));
        return new ObjectMapper().valueToTree(template.toJSON()).get("Resources");
    }

    private static List<JsonNode> ofType(JsonNode resources, String type) {
        List<JsonNode> found = new ArrayList<>();
        resources.properties().forEach(e -> {
            if (e.getValue().get("Type").asText().equals(type)) {
                found.add(e.getValue());
            }
        });
        return found;
    }
}
