package dev.k3sautoscaler.cdk;

import dev.k3sautoscaler.contract.Reach;
import dev.k3sautoscaler.contract.FunctionModule;
import dev.k3sautoscaler.contract.Step;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.core.config.ConfigVariable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synthesized template of the default networking mode, resource by resource and statement by statement. */
class K3sAutoscalerStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Template template;
    private static JsonNode resources;

    @BeforeAll
    static void synthesize() {
        // GIVEN a stack with a few non-default props, so the test sees them arrive
        K3sAutoscalerStack stack = Synth.stack(Synth.props()
                .tickRate(Duration.ofMinutes(2))
                .maxWorkers(7)
                .capacityType("spot-with-on-demand-fallback")
                .workerInstanceTypes(List.of("t3.small", "t3a.small"))
                .build());
        template = Template.fromStack(stack);
        resources = JSON.valueToTree(template.toJSON()).get("Resources");
    }

    // ---------------------------------------------------------------- functions

    @Test
    void everyStep_isOneJava25Arm64FunctionWithItsHandlerAndTimeout() {
        for (Step step : Step.values()) {
            template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                    "FunctionName", "demo-" + step.functionName(),
                    "Runtime", "java25",
                    "Architectures", List.of("arm64"),
                    "Handler", step.handler(),
                    "Timeout", step.timeout().toSeconds(),
                    "SnapStart", Map.of("ApplyOn", "PublishedVersions"))));
        }
        // AND the fast path's function (fastPath_function_*)
        assertEquals(Step.values().length + 1, ofType("AWS::Lambda::Function").size());
        assertEquals(Step.values().length + 1, ofType("AWS::Lambda::Alias").size(), "one alias per function");
    }

    @Test
    void timeouts_fleetMatchesTheIdempotencyWindow_drainHasAMinute() {
        assertEquals(120, Step.LAUNCH_WORKERS.timeout().toSeconds());
        assertEquals(120, Step.TERMINATE_WORKERS.timeout().toSeconds());
        assertTrue(Step.DRAIN_NODE.timeout().toSeconds() >= 60);
    }

    @Test
    void everyFunction_hasItsOwnRole() {
        Set<String> roles = new HashSet<>();
        ofType("AWS::Lambda::Function").forEach(f -> roles.add(f.at("/Properties/Role/Fn::GetAtt/0").asText()));
        assertEquals(Step.values().length + 1, roles.size(), "the steps' and the fast path's");
    }

    @Test
    void environment_carriesEachModulesSettings() {
        JsonNode decide = env(Step.DECIDE);
        for (ConfigVariable variable : ConfigVariable.ALL) {
            assertTrue(decide.has(variable.name()), "decide has " + variable.name());
        }
        assertEquals("default", decide.get("SCALING_POLICY").asText());
        assertEquals("7", decide.get("MAX_WORKERS").asText());

        JsonNode launch = env(Step.LAUNCH_WORKERS);
        for (String name : List.of("CLUSTER_ID", "WORKER_LAUNCH_TEMPLATE", "WORKER_LAUNCH_TEMPLATE_VERSION",
                "WORKER_SUBNET_IDS", "IDEMPOTENCY_TABLE", "OFFERING_UNAVAILABLE_SEC")) {
            assertTrue(launch.has(name), "launch-workers has " + name);
        }
        assertEquals("t3.small,t3a.small", launch.get("WORKER_INSTANCE_TYPES").asText());
        assertEquals("spot-with-on-demand-fallback", launch.get("CAPACITY_TYPE").asText());
        assertTrue(launch.get("WORKER_SUBNET_IDS").toString().contains(":"), "subnet:az pairs");

        JsonNode record = env(Step.RECORD_OUTCOME);
        for (String name : List.of("STATE_TABLE", "EVENT_LOG_TABLE", "EVENT_LOG_RETENTION_DAYS", "LOCK_TTL_SEC")) {
            assertTrue(record.has(name), "record-outcome has " + name);
        }
        JsonNode drain = env(Step.DRAIN_NODE);
        assertEquals("/k3s-autoscaler/demo/api-token", drain.get("K8S_API_TOKEN_PARAM").asText());
        assertEquals("/k3s-autoscaler/demo/ca-cert", drain.get("K8S_CA_CERT_PARAM").asText());
        assertEquals("true", drain.get("SCALE_DOWN_STATEFULSET_PODS_BLOCK").asText());
        assertTrue(drain.get("K8S_API_URL").toString().contains(":6443"));
        assertEquals("monitoring/prometheus:9090", env(Step.COLLECT_METRICS).get("PROMETHEUS_SERVICE").asText());
    }

    // ---------------------------------------------------------------- IAM

    @Test
    void noStatement_anywhere_allowsAWildcardAction() {
        for (JsonNode statement : allStatements()) {
            for (JsonNode action : asList(statement.get("Action"))) {
                assertFalse(action.asText().equals("*") || action.asText().endsWith(":*"),
                        "wildcard action " + action + " in " + statement);
            }
        }
    }

    @Test
    void terminate_isConditionedOnTheManagedTagAndTheClusterId() {
        for (Step step : List.of(Step.TERMINATE_WORKERS, Step.RECONCILE_WORKERS)) {
            JsonNode terminate = statementsOf(step).stream()
                    .filter(s -> asList(s.get("Action")).stream().anyMatch(a -> a.asText().equals("ec2:TerminateInstances")))
                    .findFirst().orElseThrow();
            assertEquals("true", terminate.at("/Condition/StringEquals/aws:ResourceTag~1k3s-autoscaler~1managed").asText(), step.name());
            assertEquals("demo", terminate.at("/Condition/StringEquals/aws:ResourceTag~1k3s-autoscaler~1cluster").asText(), step.name());
            assertTrue(terminate.get("Resource").toString().contains(":instance/*"), step.name());
        }
    }

    @Test
    void everyFunction_getsThePowertoolsVariables_theSimulatorGivesItsProcessToo() {
        for (JsonNode function : ofType("AWS::Lambda::Function")) {
            JsonNode variables = function.at("/Properties/Environment/Variables");
            dev.k3sautoscaler.contract.PowertoolsEnvironment.variables().forEach((name, value) ->
                    assertEquals(value, variables.path(name).asText(), name + " of " + function.at("/Properties/FunctionName")));
        }
    }

    @Test
    void reconcile_getsTheFleetAndTheClusterSettings_butNoIdempotencyTable() {
        JsonNode variables = ofType("AWS::Lambda::Function").stream()
                .filter(f -> f.at("/Properties/FunctionName").asText().equals("demo-reconcile-workers"))
                .findFirst().orElseThrow().at("/Properties/Environment/Variables");
        for (String name : List.of("CLUSTER_ID", "JOIN_TIMEOUT_SEC", "WORKER_LAUNCH_TEMPLATE", "WORKER_SUBNET_IDS",
                "K8S_API_URL", "K8S_API_TOKEN_PARAM", "K8S_CA_CERT_PARAM")) {
            assertTrue(variables.has(name), name + " in " + variables);
        }
        assertFalse(variables.has("IDEMPOTENCY_TABLE"), "every reconcile action is idempotent by itself");
    }

    @Test
    void eventIdentification_getsTheFleetSettingsOnly_andRunsOutsideTheVpc() {
        JsonNode function = ofType("AWS::Lambda::Function").stream()
                .filter(f -> f.at("/Properties/FunctionName").asText().equals("demo-identify-event-instance"))
                .findFirst().orElseThrow();
        JsonNode variables = function.at("/Properties/Environment/Variables");
        for (String name : List.of("CLUSTER_ID", "WORKER_LAUNCH_TEMPLATE", "WORKER_SUBNET_IDS")) {
            assertTrue(variables.has(name), name + " in " + variables);
        }
        for (String name : List.of("IDEMPOTENCY_TABLE", "STATE_TABLE", "K8S_API_URL", "K8S_API_TOKEN_PARAM")) {
            assertFalse(variables.has(name), name + " in " + variables);
        }
        assertFalse(function.at("/Properties").has("VpcConfig"), "EC2's public endpoint, no cluster access");
        assertEquals(10, function.at("/Properties/Timeout").asInt(), "the Spot warning's 2 minutes");
    }

    @Test
    void launch_isScopedToTheTemplateTagsSubnetsAndWorkerRole() {
        List<JsonNode> statements = statementsOf(Step.LAUNCH_WORKERS);
        for (JsonNode statement : statements) {
            List<String> actions = asList(statement.get("Action")).stream().map(JsonNode::asText).toList();
            if (actions.contains("ec2:RunInstances") && statement.get("Resource").toString().contains(":instance/*")) {
                assertEquals("true", statement.at("/Condition/StringEquals/aws:RequestTag~1k3s-autoscaler~1managed").asText());
                assertEquals("demo", statement.at("/Condition/StringEquals/aws:RequestTag~1k3s-autoscaler~1cluster").asText());
                assertTrue(statement.at("/Condition/ArnEquals/ec2:LaunchTemplate").toString().contains("WorkerTemplate"));
            }
            if (actions.contains("ec2:CreateTags")) {
                assertEquals("RunInstances", statement.at("/Condition/StringEquals/ec2:CreateAction").asText());
            }
            if (actions.contains("iam:PassRole")) {
                assertTrue(statement.get("Resource").toString().contains("WorkerRole"));
            }
            if (statement.get("Resource").asText().equals("*")) {
                assertEquals(List.of("ec2:DescribeInstances"), actions, "only DescribeInstances on \"*\"");
            }
        }
        Set<String> actions = new HashSet<>();
        statements.forEach(s -> asList(s.get("Action")).forEach(a -> actions.add(a.asText())));
        assertEquals(Set.of("logs:CreateLogStream", "logs:PutLogEvents", "ec2:RunInstances", "ec2:CreateTags",
                "iam:PassRole", "ec2:DescribeInstances", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem",
                "dynamodb:UpdateItem"), actions);
        assertTrue(statements.toString().contains("spot-instances-request/*"), "Spot capacity needs spot requests");
    }

    @Test
    void launch_instanceIsLimitedToTheConfiguredTypes() {
        assertEquals(List.of("t3.small", "t3a.small"),
                asList(launchedInstance().at("/Condition/StringEquals/ec2:InstanceType")).stream().map(JsonNode::asText).toList());
    }

    @Test
    void launch_volumesMustComeFromTheTemplate_theInstanceIsPinnedByItsKeysInstead() {
        for (JsonNode statement : runInstances()) {
            String resource = statement.get("Resource").toString();
            if (resource.contains(":volume/*")) {
                assertEquals("true", statement.at("/Condition/Bool/ec2:IsLaunchTemplateResource").asText(), resource);
            }
            if (resource.contains(":instance/*")) {
                // The fleet overrides the instance type per offering: the instance is then no template resource.
                assertTrue(statement.at("/Condition/Bool/ec2:IsLaunchTemplateResource").isMissingNode(), resource);
            }
        }
    }

    @Test
    void launch_instanceMustRequireImdsv2() {
        assertEquals("required", launchedInstance().at("/Condition/StringEquals/ec2:MetadataHttpTokens").asText());
    }

    @Test
    void launch_instanceMustKeepImdsOneHopAway() {
        assertEquals(1, launchedInstance().at("/Condition/NumericLessThanEquals/ec2:MetadataHttpPutResponseHopLimit").asInt(-1));
    }

    @Test
    void eachStep_isGrantedExactlyItsCalls() {
        Map<Step, Set<String>> expected = Map.ofEntries(
                Map.entry(Step.DECIDE, Set.of()),
                Map.entry(Step.VALIDATE_INPUT, Set.of()),
                Map.entry(Step.BREAK_LOCK, Set.of("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem")),
                Map.entry(Step.LOAD_STATE, Set.of("dynamodb:GetItem")),
                Map.entry(Step.ACQUIRE_LOCK, Set.of("dynamodb:GetItem", "dynamodb:UpdateItem")),
                Map.entry(Step.RECORD_OUTCOME, Set.of("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem")),
                Map.entry(Step.TERMINATE_WORKERS, Set.of("ec2:DescribeInstances", "ec2:TerminateInstances", "dynamodb:GetItem",
                        "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem")),
                Map.entry(Step.RECONCILE_WORKERS, Set.of("ec2:DescribeInstances", "ec2:TerminateInstances", "ssm:GetParameter")),
                Map.entry(Step.IDENTIFY_EVENT_INSTANCE, Set.of("ec2:DescribeInstances")),
                Map.entry(Step.COLLECT_METRICS, Set.of("ssm:GetParameter")),
                Map.entry(Step.DRAIN_NODE, Set.of("ssm:GetParameter", "dynamodb:GetItem", "dynamodb:UpdateItem")));
        expected.forEach((step, calls) -> {
            Set<String> actions = new HashSet<>();
            statementsOf(step).forEach(s -> asList(s.get("Action")).forEach(a -> actions.add(a.asText())));
            actions.removeAll(Set.of("logs:CreateLogStream", "logs:PutLogEvents"));
            assertEquals(calls, actions, step.functionName());
        });
    }

    @Test
    void stateTableAccess_isLimitedToThisClustersItems() {
        for (JsonNode statement : statementsOf(Step.ACQUIRE_LOCK)) {
            if (statement.get("Action").toString().contains("dynamodb:")) {
                assertEquals("demo", statement.at("/Condition/ForAllValues:StringEquals/dynamodb:LeadingKeys/0").asText());
                assertTrue(statement.get("Resource").toString().contains("StateTable"));
            }
        }
    }

    @Test
    void leasedSteps_mayRenewTheLockOnThisClustersItem_andNoOtherStepOutsideTheStateModuleMay() {
        for (Step step : Step.values()) {
            List<JsonNode> dynamo = statementsOf(step).stream()
                    .filter(s -> s.get("Action").toString().contains("dynamodb:UpdateItem")
                            && s.get("Resource").toString().contains("StateTable")).toList();
            JsonNode variables = ofType("AWS::Lambda::Function").stream()
                    .filter(f -> f.at("/Properties/FunctionName").asText().equals("demo-" + step.functionName()))
                    .findFirst().orElseThrow().at("/Properties/Environment/Variables");
            if (step.leased()) {
                assertEquals(1, dynamo.size(), step.name());
                assertEquals("demo", dynamo.getFirst().at("/Condition/ForAllValues:StringEquals/dynamodb:LeadingKeys/0").asText());
                assertTrue(variables.has("STATE_TABLE") && variables.has("LOCK_TTL_SEC"), step + ": " + variables);
            } else if (step.module() != FunctionModule.STATE) {
                assertTrue(dynamo.isEmpty(), step.name());
                assertFalse(variables.has("STATE_TABLE"), step.name());
            }
        }
    }

    @Test
    void clusterSteps_readOnlyTheApiTokenAndCa() {
        JsonNode ssm = statementsOf(Step.CORDON_NODE).stream()
                .filter(s -> s.get("Action").asText().equals("ssm:GetParameter")).findFirst().orElseThrow();
        String resources = ssm.get("Resource").toString();
        assertTrue(resources.contains("parameter/k3s-autoscaler/demo/api-token"));
        assertTrue(resources.contains("parameter/k3s-autoscaler/demo/ca-cert"));
        assertFalse(resources.contains("join-token"));
    }

    @Test
    void nodes_masterPublishesFourParameters_workersReadTwo_onlyTheHeadroomIsDeclared() {
        String master = policyOfRole("MasterRole").toString();
        assertTrue(master.contains("ssm:PutParameter"));
        for (String name : List.of("join-token", "master-address", "api-token", "ca-cert")) {
            assertTrue(master.contains("parameter/k3s-autoscaler/demo/" + name), name);
        }
        assertTrue(master.contains("s3:GetObject"));
        assertFalse(master.contains("s3:GetObject*"), "the asset object only, no s3:* family");
        String worker = policyOfRole("WorkerRole").toString();
        assertTrue(worker.contains("ssm:GetParameter") && worker.contains("join-token") && worker.contains("master-address"));
        assertFalse(worker.contains("api-token"));
        JsonNode masterRole = resources.properties().stream().filter(e -> e.getKey().contains("MasterRole")
                && e.getValue().get("Type").asText().equals("AWS::IAM::Role")).findFirst().orElseThrow().getValue();
        assertTrue(masterRole.at("/Properties/ManagedPolicyArns").toString().contains("AmazonSSMManagedInstanceCore"),
                "Session Manager: the operator's way in");
        // The four are the master's to create; the one declared holds the stack's own settings (HeadroomParameterTest)
        List<JsonNode> declared = ofType("AWS::SSM::Parameter");
        assertEquals(1, declared.size(), declared.toString());
        assertEquals("/k3s-autoscaler/demo/headroom", declared.getFirst().at("/Properties/Name").asText());
        JsonNode write = find(policyOfRole("MasterRole"), st -> st.get("Action").asText().equals("ssm:PutParameter"));
        assertFalse(write.get("Resource").toString().contains("/headroom"), "the master does not write it");
    }

    // ---------------------------------------------------------------- workflow and triggers

    @Test
    void stateMachines_getEveryStepsAliasArn() {
        JsonNode actuation = stateMachine("actuation");
        JsonNode tick = stateMachine("tick");
        assertEquals("STANDARD", actuation.get("StateMachineType").asText());
        assertEquals("EXPRESS", tick.get("StateMachineType").asText());
        for (Step step : Step.values()) {
            if (step == Step.RECONCILE_WORKERS) {
                // Both: the tick reconciles, the actuation observes under the lock.
                assertTrue(tick.at("/DefinitionSubstitutions/" + step.substitution() + "/Ref").asText().contains("Alias"));
            }
            if (step == Step.LOAD_STATE || step == Step.IDENTIFY_EVENT_INSTANCE || step == Step.REPORT_TO_CLUSTER) {
                // The tick's alone: the actuation never names them.
                assertTrue(tick.at("/DefinitionSubstitutions/" + step.substitution() + "/Ref").asText().contains("Alias"));
                assertTrue(actuation.at("/DefinitionSubstitutions/" + step.substitution()).isMissingNode(), step.name());
                continue;
            }
            JsonNode value = actuation.at("/DefinitionSubstitutions/" + step.substitution());
            assertTrue(value.at("/Ref").asText().contains(step.stateName() + "Alias"), step + " → " + value);
        }
        assertEquals("launch-replacement", actuation.at("/DefinitionSubstitutions/RebalanceAction").asText());
        assertTrue(tick.at("/DefinitionSubstitutions/ActuationStateMachineArn/Ref").asText().contains("Actuation"));
        assertTrue(tick.at("/DefinitionSubstitutions/DecideArn/Ref").asText().contains("DecideAlias"));
        assertTrue(tick.get("DefinitionString").toString().contains("${CollectMetricsArn}"), "the ASL inline, not an S3 asset");
    }

    @Test
    void stateMachines_haveAValueForEveryPlaceholderTheirAslUses() {
        for (String name : List.of("tick", "actuation")) {
            JsonNode machine = stateMachine(name);
            java.util.regex.Matcher placeholders = java.util.regex.Pattern.compile("\\$\\{([A-Za-z]+)}")
                    .matcher(machine.get("DefinitionString").asText());
            Set<String> used = new HashSet<>();
            while (placeholders.find()) {
                used.add(placeholders.group(1));
            }
            Set<String> given = new HashSet<>();
            machine.get("DefinitionSubstitutions").fieldNames().forEachRemaining(given::add);
            assertFalse(used.isEmpty());
            assertEquals(used, given, name + ": every ${...} substituted, nothing extra");
        }
    }

    @Test
    void stateMachines_carryTheirTimeoutInTheDefinition_whereStepFunctionsReadsIt() throws Exception {
        // The tick's 2 minutes plus PENDING_UP_SEC (0 here; FastPathDelayTest raises it)
        assertEquals(120, JSON.readTree(stateMachine("tick").get("DefinitionString").asText()).get("TimeoutSeconds").asInt());
        // The longer of the join wait (JOIN_TIMEOUT_SEC 600 s + 5 min) and the lock-held limit (900 s), plus 5 min
        assertEquals(1200, JSON.readTree(stateMachine("actuation").get("DefinitionString").asText()).get("TimeoutSeconds").asInt());
    }

    @Test
    void stateMachines_logEverythingWithData() {
        for (String name : List.of("tick", "actuation")) {
            JsonNode logging = stateMachine(name).get("LoggingConfiguration");
            assertEquals("ALL", logging.get("Level").asText());
            assertTrue(logging.get("IncludeExecutionData").asBoolean());
        }
    }

    @Test
    void tick_mayStartOnlyTheActuation_andInvokeOnlyItsAliases() {
        String tickRole = stateMachine("tick").at("/RoleArn/Fn::GetAtt/0").asText();
        List<JsonNode> statements = statementsOfRoleId(tickRole);
        JsonNode start = statements.stream().filter(s -> s.get("Action").toString().contains("states:StartExecution"))
                .findFirst().orElseThrow();
        assertTrue(start.get("Resource").toString().contains("Actuation"));
        JsonNode invoke = statements.stream().filter(s -> s.get("Action").toString().contains("lambda:InvokeFunction"))
                .findFirst().orElseThrow();
        assertEquals(7, invoke.get("Resource").size(),
                "IdentifyEventInstance, CollectMetrics, LoadState, ReconcileWorkers, RecordOutcome, Decide, ReportToCluster");
    }

    @Test
    void stateMachines_publishTheirNotices_onlyToTheClustersTopic() {
        // GIVEN the two state machines' roles
        JsonNode actuation = stateMachine("actuation");
        String actuationRole = actuation.at("/RoleArn/Fn::GetAtt/0").asText();
        String tickRole = stateMachine("tick").at("/RoleArn/Fn::GetAtt/0").asText();

        // THEN each gets the topic's ARN and may publish there, and nowhere else (the tick: what its reconcile did)
        for (String role : List.of(actuationRole, tickRole)) {
            List<JsonNode> publish = statementsOfRoleId(role).stream()
                    .filter(s -> s.get("Action").toString().contains("sns:")).toList();
            assertEquals(1, publish.size(), publish.toString());
            assertEquals("sns:Publish", publish.getFirst().get("Action").asText());
            assertTrue(publish.getFirst().at("/Resource/Ref").asText().contains("Notifications"), publish.toString());
        }
        assertTrue(actuation.at("/DefinitionSubstitutions/NotificationTopicArn/Ref").asText().contains("Notifications"));
        assertTrue(stateMachine("tick").at("/DefinitionSubstitutions/NotificationTopicArn/Ref").asText().contains("Notifications"));
        // AND the Lambdas hold no SNS permission at all: Step Functions publishes
        for (Step step : Step.values()) {
            assertTrue(statementsOf(step).stream().noneMatch(s -> s.get("Action").toString().contains("sns:")), step.name());
        }
    }

    @Test
    void notifications_areEncryptedWithARotatedKeyOfTheStack() {
        JsonNode topic = resourceOf("AWS::SNS::Topic", "Notifications").get("Properties");
        String keyId = topic.at("/KmsMasterKeyId/Fn::GetAtt/0").asText();
        assertTrue(keyId.contains("Notifications"), topic.toString());
        assertTrue(resources.at("/" + keyId + "/Properties/EnableKeyRotation").asBoolean(), "key rotation");
    }

    @Test
    void notificationKey_letsThePublishersEncrypt_theStateMachinesAndTheAlarms() {
        // GIVEN the key the topic is encrypted with
        String keyId = resourceOf("AWS::SNS::Topic", "Notifications").at("/Properties/KmsMasterKeyId/Fn::GetAtt/0").asText();

        // THEN both state machines may generate data keys with it (the sns:publish integration)
        for (String machine : List.of("tick", "actuation")) {
            String role = stateMachine(machine).at("/RoleArn/Fn::GetAtt/0").asText();
            assertTrue(statementsOfRoleId(role).stream().anyMatch(s -> s.get("Action").toString().contains("kms:GenerateDataKey")
                    && s.get("Action").toString().contains("kms:Decrypt")
                    && s.get("Resource").toString().contains(keyId)), machine);
        }
        // AND CloudWatch alarms may, through the key policy
        String keyPolicy = resources.at("/" + keyId + "/Properties/KeyPolicy").toString();
        assertTrue(keyPolicy.contains("cloudwatch.amazonaws.com") && keyPolicy.contains("kms:GenerateDataKey"), keyPolicy);
    }

    @Test
    void idempotencyTable_fleetStepsReachOnlyTheirOwnRecords() {
        // The record id is <step>#<hash> (IdempotentStep): no cluster id in it, the table is this stack's own.
        Map<Step, String> prefixes = Map.of(
                Step.LAUNCH_WORKERS, dev.k3sautoscaler.fleet.LaunchWorkersHandler.STEP + "#*",
                Step.TERMINATE_WORKERS, dev.k3sautoscaler.fleet.TerminateWorkersHandler.STEP + "#*");
        prefixes.forEach((step, prefix) -> {
            JsonNode idempotency = statementsOf(step).stream()
                    .filter(s -> s.get("Action").toString().contains("dynamodb:DeleteItem")).findFirst().orElseThrow();
            assertTrue(idempotency.get("Resource").toString().contains("IdempotencyTable"), idempotency.toString());
            assertEquals(List.of(prefix), asList(idempotency.at("/Condition/ForAllValues:StringLike/dynamodb:LeadingKeys"))
                    .stream().map(JsonNode::asText).toList(), step.name());
        });
    }

    @Test
    void suppressions_sayThatTheApiAndJoinEndpointIsOpenToTheWorld() {
        String ec23 = nagReason("MasterSecurityGroup", "AwsSolutions-EC23");
        assertTrue(ec23.contains("0.0.0.0/0") && ec23.contains("join"), ec23);
        String vpc7 = nagReason("Vpc", "AwsSolutions-VPC7");
        assertTrue(vpc7.contains("6443") && vpc7.contains("0.0.0.0/0") && vpc7.contains("vpcFlowLogs"), vpc7);
    }

    @Test
    void schedule_runsTheTickAtThePropsRate() {
        template.hasResourceProperties("AWS::Scheduler::Schedule", Match.objectLike(Map.of(
                "ScheduleExpression", "rate(2 minutes)",
                "Target", Match.objectLike(Map.of("RetryPolicy", Match.objectLike(Map.of("MaximumRetryAttempts", 0)))))));
    }

    @Test
    void schedule_startsTheTickWithTheInputItsFirstChoiceTakesForASchedule() throws Exception {
        // GIVEN the schedule's target
        JsonNode target = ofType("AWS::Scheduler::Schedule").getFirst().at("/Properties/Target");

        // THEN it sends {"trigger":"scale"}, not the empty input (what Scheduler sends without one) the tick rejects
        assertEquals(new ObjectMapper().readTree("{\"trigger\":\"scale\"}"), new ObjectMapper().readTree(target.path("Input").asText("{}")));
    }

    @Test
    void spotAndRebalanceRules_startTheTick_whichNamesTheActuationAfterTheInstance() {
        for (String[] rule : List.of(new String[]{K3sAutoscaler.SPOT_INTERRUPTION, "spot-interruption"},
                new String[]{K3sAutoscaler.REBALANCE_RECOMMENDATION, "rebalance"})) {
            JsonNode found = ofType("AWS::Events::Rule").stream()
                    .filter(r -> r.at("/Properties/EventPattern/detail-type/0").asText().equals(rule[0]))
                    .findFirst().orElseThrow(() -> new AssertionError("no rule for " + rule[0]));
            assertEquals("aws.ec2", found.at("/Properties/EventPattern/source/0").asText());
            JsonNode transformer = found.at("/Properties/Targets/0/InputTransformer");
            assertEquals("$.detail.instance-id", transformer.at("/InputPathsMap/detail-instance-id").asText());
            assertEquals("{\"trigger\":\"" + rule[1] + "\",\"instanceId\":<detail-instance-id>}",
                    transformer.get("InputTemplate").asText());
            assertTrue(found.at("/Properties/Targets/0/Arn/Ref").asText().contains("Tick"),
                    found.at("/Properties/Targets/0/Arn").toString());
        }
    }

    // ---------------------------------------------------------------- nodes

    @Test
    void workerTemplate_requiresImdsv2_encryptsEbs_rendersUserData() {
        JsonNode data = ofType("AWS::EC2::LaunchTemplate").stream()
                .map(t -> t.at("/Properties/LaunchTemplateData"))
                .filter(d -> d.has("UserData")).findFirst().orElseThrow();
        assertEquals("required", data.at("/MetadataOptions/HttpTokens").asText());
        assertEquals(1, data.at("/MetadataOptions/HttpPutResponseHopLimit").asInt(), "containers must not reach IMDS");
        assertTrue(data.at("/BlockDeviceMappings/0/Ebs/Encrypted").asBoolean());
        assertTrue(data.get("ImageId").asText().startsWith("resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023"));
        String userData = data.get("UserData").toString();
        assertFalse(userData.matches("(?s).*__[A-Z0-9_]+__.*"), "no placeholder left");
        assertTrue(userData.contains("/k3s-autoscaler/demo/join-token"));
    }

    @Test
    void master_requiresImdsv2_encryptsEbs_isTaggedMaster_hasTheElasticIpAsSan() {
        JsonNode master = ofType("AWS::EC2::Instance").getFirst().get("Properties");
        assertEquals("t3.medium", master.get("InstanceType").asText());
        assertTrue(master.at("/BlockDeviceMappings/0/Ebs/Encrypted").asBoolean());
        assertTrue(master.get("Tags").toString().contains("\"Key\":\"k3s-autoscaler/role\",\"Value\":\"master\""));
        assertFalse(master.get("Tags").toString().contains("k3s-autoscaler/managed"));
        String userData = master.get("UserData").toString();
        assertTrue(userData.startsWith("{\"Fn::Base64\":{\"Fn::Join\":[\"\",[\"#!/bin/bash"), "shebang on line 1");
        assertTrue(userData.contains("MasterAddress"), "API SAN = the Elastic IP");
        assertFalse(userData.matches("(?s).*__[A-Z0-9_]+__.*"), "no placeholder left");
        JsonNode imdsTemplate = ofType("AWS::EC2::LaunchTemplate").stream()
                .map(t -> t.at("/Properties/LaunchTemplateData")).filter(d -> !d.has("UserData")).findFirst().orElseThrow();
        assertEquals("required", imdsTemplate.at("/MetadataOptions/HttpTokens").asText());
    }

    @Test
    void master_keepsImdsOneHopAway() {
        JsonNode master = ofType("AWS::EC2::Instance").getFirst().get("Properties");
        assertEquals("required", master.at("/MetadataOptions/HttpTokens").asText());
        assertEquals(1, master.at("/MetadataOptions/HttpPutResponseHopLimit").asInt(), "containers must not reach IMDS");
    }

    @Test
    void securityGroups_openVxlanAndKubeletBetweenNodes_andTheApiToWorkersAndLambdas() {
        List<String> rules = new ArrayList<>();
        ofType("AWS::EC2::SecurityGroupIngress").forEach(r -> rules.add(r.get("Properties").toString()));
        ofType("AWS::EC2::SecurityGroup").forEach(g -> rules.add(String.valueOf(g.at("/Properties/SecurityGroupIngress"))));
        String all = String.join("\n", rules);
        assertTrue(all.contains("\"IpProtocol\":\"udp\"") && all.contains("8472"));
        assertTrue(all.contains("10250"));
        assertTrue(all.contains("6443"));
        // The only world-open port is the authenticated API server (PUBLIC_API mode).
        for (String rule : rules) {
            if (rule.contains("0.0.0.0/0")) {
                assertTrue(rule.contains("\"FromPort\":6443") && rule.contains("\"ToPort\":6443"), rule);
            }
        }
    }

    // ---------------------------------------------------------------- state and observability

    @Test
    void tables_havePointInTimeRecoveryAndTtl() {
        Map<String, String> ttlByKey = Map.of("cluster_id", "", "id", "expiration");
        List<JsonNode> tables = ofType("AWS::DynamoDB::Table");
        assertEquals(3, tables.size());
        for (JsonNode table : tables) {
            JsonNode p = table.get("Properties");
            assertTrue(p.at("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled").asBoolean());
            assertEquals("PAY_PER_REQUEST", p.get("BillingMode").asText());
        }
        template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "cluster_id", "KeyType", "HASH"),
                        Map.of("AttributeName", "event_key", "KeyType", "RANGE")),
                "TimeToLiveSpecification", Map.of("AttributeName", "expires_at", "Enabled", true))));
        template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "id", "KeyType", "HASH")),
                "TimeToLiveSpecification", Map.of("AttributeName", ttlByKey.get("id"), "Enabled", true))));
    }

    @Test
    void alarms_notifyTheTopic_andReadTheFunctionsOwnMetrics() {
        List<JsonNode> alarms = ofType("AWS::CloudWatch::Alarm");
        Set<String> names = new HashSet<>();
        alarms.forEach(a -> names.add(a.at("/Properties/AlarmName").asText()));
        assertEquals(Set.of("demo-ActuationFailed", "demo-LockHeldTooLong", "demo-TickFailed", "demo-AtMaxCapacity",
                "demo-FastPathDeadLetters"), names);
        for (JsonNode alarm : alarms) {
            assertTrue(alarm.at("/Properties/AlarmActions").toString().contains("Notifications"));
        }
        JsonNode atMax = alarms.stream().filter(a -> a.at("/Properties/AlarmName").asText().endsWith("AtMaxCapacity"))
                .findFirst().orElseThrow();
        assertEquals("AtMaxCapacity", atMax.at("/Properties/MetricName").asText());
        assertEquals("K3sAutoscaler", atMax.at("/Properties/Namespace").asText());
        assertEquals("ClusterId", atMax.at("/Properties/Dimensions/0/Name").asText());
        assertEquals("demo", atMax.at("/Properties/Dimensions/0/Value").asText());
        assertEquals(3, atMax.at("/Properties/EvaluationPeriods").asInt());
        assertTrue(atMax.at("/Properties/AlarmDescription").asText().contains("MAX_WORKERS=7"));
        JsonNode lock = alarms.stream().filter(a -> a.at("/Properties/AlarmName").asText().endsWith("LockHeldTooLong"))
                .findFirst().orElseThrow();
        // DRAIN_TIMEOUT 300 s + LOCK_TTL 300 s + 5 min wind-down (the join is watched after the release)
        assertEquals(900_000, lock.at("/Properties/Threshold").asInt());
        assertEquals(1, ofType("AWS::CloudWatch::Dashboard").size());
    }

    // ---------------------------------------------------------------- the unschedulable-pods fast path (on in Synth.props())

    @Test
    void fastPath_topic_isEncryptedWithSnssOwnKey_takesTls_andOnlyTheMasterMayPublish() {
        JsonNode topic = resourceOf("AWS::SNS::Topic", "FastPathTopic").get("Properties");
        assertEquals("demo-unschedulable-pods", topic.get("TopicName").asText());
        assertTrue(topic.get("KmsMasterKeyId").toString().contains(":alias/aws/sns"), topic.toString());

        JsonNode policy = resourceOf("AWS::SNS::TopicPolicy", "FastPathTopic").at("/Properties/PolicyDocument/Statement");
        JsonNode onlyMaster = find(policy, s -> "OnlyTheMasterPublishes".equals(s.path("Sid").asText()));
        assertEquals("Deny", onlyMaster.get("Effect").asText());
        assertEquals("{\"AWS\":\"*\"}", onlyMaster.get("Principal").toString());
        assertEquals("sns:Publish", onlyMaster.get("Action").asText());
        assertTrue(onlyMaster.at("/Condition/ArnNotEquals/aws:PrincipalArn/Fn::GetAtt/0").asText().contains("MasterRole"),
                onlyMaster.toString());
        JsonNode tlsOnly = find(policy, s -> s.toString().contains("aws:SecureTransport"));
        assertEquals("Deny", tlsOnly.get("Effect").asText());
    }

    @Test
    void fastPath_master_mayPublishToTheFastPathTopicOnly_andGetsItsArnInTheUserData() {
        List<JsonNode> publish = asList(policyOfRole("MasterRole")).stream()
                .filter(s -> s.get("Action").toString().contains("sns:")).toList();
        assertEquals(1, publish.size(), publish.toString());
        assertEquals("sns:Publish", publish.getFirst().get("Action").asText());
        assertTrue(publish.getFirst().at("/Resource/Ref").asText().contains("FastPathTopic"), publish.toString());
        String userData = ofType("AWS::EC2::Instance").getFirst().at("/Properties/UserData").toString();
        String assignment = userData.substring(userData.indexOf("readonly FAST_PATH_TOPIC_ARN="));
        assertTrue(assignment.substring(0, 100).contains("{\"Ref\":\"K3sAutoscalerFastPathTopic"), assignment.substring(0, 100));
    }

    @Test
    void fastPath_function_isAJava25Arm64SnapStartFunction_outsideTheVpc_thatKnowsTheTickAndItsWait() {
        // GIVEN the fast path's function
        JsonNode function = startTickOnAlert().get("Properties");

        // THEN it is built as a step is, with its own handler and a short timeout
        assertEquals("java25", function.get("Runtime").asText());
        assertEquals("[\"arm64\"]", function.get("Architectures").toString());
        assertEquals("dev.k3sautoscaler.alerts.StartTickOnAlertHandler", function.get("Handler").asText());
        assertEquals("PublishedVersions", function.at("/SnapStart/ApplyOn").asText());
        assertEquals(30, function.get("Timeout").asInt());
        assertEquals(512, function.get("MemorySize").asInt());
        assertFalse(function.has("VpcConfig"), "it reaches the Step Functions API only");
        String logs = function.at("/LoggingConfig/LogGroup/Ref").asText();
        assertTrue(logs.contains("StartTickOnAlertLogs"), function.toString());
        assertEquals(30, resources.at("/" + logs + "/Properties/RetentionInDays").asInt(), "the props' log retention");
        // AND its environment names the tick and the wait (PENDING_UP_SEC, 0 here; FastPathDelayTest raises it)
        JsonNode variables = function.at("/Environment/Variables");
        assertEquals("demo", variables.get("CLUSTER_ID").asText());
        assertTrue(variables.at("/TICK_STATE_MACHINE_ARN/Ref").asText().contains("Tick"), variables.toString());
        assertEquals("0", variables.get("TICK_WAIT_SECONDS").asText());
        // AND it is published behind the alias callers invoke
        JsonNode alias = resourceOf("AWS::Lambda::Alias", "StartTickOnAlertAlias").get("Properties");
        assertEquals(K3sAutoscaler.ALIAS_NAME, alias.get("Name").asText());
        assertTrue(alias.at("/FunctionVersion/Fn::GetAtt/0").asText().contains("StartTickOnAlertCurrentVersion"));
    }

    @Test
    void fastPath_topic_invokesTheFunctionsAlias_andDeadLettersWhatItCannotDeliver() {
        // GIVEN the topic's one subscription
        List<JsonNode> subscriptions = ofType("AWS::SNS::Subscription");
        assertEquals(1, subscriptions.size(), subscriptions.toString());
        JsonNode subscription = subscriptions.getFirst().get("Properties");

        // THEN SNS invokes the alias (SnapStart), and a delivery SNS gives up on goes to the dead-letter queue
        assertEquals("lambda", subscription.get("Protocol").asText());
        assertTrue(subscription.at("/TopicArn/Ref").asText().contains("FastPathTopic"), subscription.toString());
        assertTrue(subscription.at("/Endpoint/Ref").asText().contains("StartTickOnAlertAlias"), subscription.toString());
        assertTrue(subscription.at("/RedrivePolicy/deadLetterTargetArn/Fn::GetAtt/0").asText().contains("FastPathDeadLetters"),
                subscription.toString());
        // AND only this topic may invoke the alias
        JsonNode permission = resourceOf("AWS::Lambda::Permission", "StartTickOnAlert").get("Properties");
        assertEquals("sns.amazonaws.com", permission.get("Principal").asText());
        assertTrue(permission.at("/FunctionName/Ref").asText().contains("StartTickOnAlertAlias"), permission.toString());
        assertTrue(permission.at("/SourceArn/Ref").asText().contains("FastPathTopic"), permission.toString());
        // AND only this topic may send to the queue, over TLS
        JsonNode queuePolicy = resourceOf("AWS::SQS::QueuePolicy", "FastPathDeadLetters").at("/Properties/PolicyDocument/Statement");
        JsonNode fromTopic = find(queuePolicy, s -> s.get("Action").toString().contains("sqs:SendMessage"));
        assertEquals("sns.amazonaws.com", fromTopic.at("/Principal/Service").asText());
        assertTrue(fromTopic.at("/Condition/ArnEquals/aws:SourceArn/Ref").asText().contains("FastPathTopic"), fromTopic.toString());
        assertTrue(queuePolicy.toString().contains("aws:SecureTransport"), "the queue takes TLS only");
    }

    @Test
    void fastPath_asynchronousInvocation_retriesTwice_keepsAnAlert90s_thenDeadLettersIt() {
        // GIVEN the alias's invocation settings (SNS invokes asynchronously)
        List<JsonNode> configs = ofType("AWS::Lambda::EventInvokeConfig");
        assertEquals(1, configs.size(), configs.toString());
        JsonNode config = configs.getFirst().get("Properties");

        // THEN two retries, and an alert older than 90 s is not tried again: a scheduled tick has run by then
        assertEquals(2, config.get("MaximumRetryAttempts").asInt());
        assertEquals(90, config.get("MaximumEventAgeInSeconds").asInt());
        assertTrue(config.at("/FunctionName/Ref").asText().contains("StartTickOnAlert"), config.toString());
        assertTrue(config.get("Qualifier").toString().contains("StartTickOnAlertAlias"), "the alias SNS invokes, not $LATEST");
        // AND what fails goes to the dead-letter queue: encrypted, kept 14 days
        assertTrue(startTickOnAlert().at("/Properties/DeadLetterConfig/TargetArn/Fn::GetAtt/0").asText().contains("FastPathDeadLetters"));
        JsonNode deadLetters = resourceOf("AWS::SQS::Queue", "FastPathDeadLetters").get("Properties");
        assertTrue(deadLetters.get("SqsManagedSseEnabled").asBoolean());
        assertEquals(14 * 24 * 3600, deadLetters.get("MessageRetentionPeriod").asInt());
        assertEquals(1, ofType("AWS::SQS::Queue").size(), "no queue in front of the function: nothing polls");
    }

    @Test
    void fastPath_functionRole_writesItsLogs_startsTheTick_deadLettersAnAlert_andNothingElse() {
        // GIVEN the function's role
        JsonNode function = startTickOnAlert();
        String roleId = function.at("/Properties/Role/Fn::GetAtt/0").asText();
        List<JsonNode> statements = statementsOfRoleId(roleId);

        // THEN exactly three statements, each on one resource of this stack
        assertEquals(3, statements.size(), statements.toString());
        JsonNode logs = find(JSON.valueToTree(statements), s -> s.get("Action").toString().contains("logs:"));
        assertEquals(List.of("logs:CreateLogStream", "logs:PutLogEvents"), asList(logs.get("Action")).stream().map(JsonNode::asText).toList());
        assertEquals(function.at("/Properties/LoggingConfig/LogGroup/Ref").asText(), logs.at("/Resource/Fn::GetAtt/0").asText());
        JsonNode start = find(JSON.valueToTree(statements), s -> s.get("Action").toString().contains("states:"));
        assertEquals("states:StartExecution", start.get("Action").asText());
        assertTrue(start.at("/Resource/Ref").asText().contains("Tick"), start.toString());
        // Lambda sends a dead letter with the function's own role
        JsonNode deadLetter = find(JSON.valueToTree(statements), s -> s.get("Action").toString().contains("sqs:"));
        assertEquals("sqs:SendMessage", deadLetter.get("Action").asText());
        assertTrue(deadLetter.at("/Resource/Fn::GetAtt/0").asText().contains("FastPathDeadLetters"), deadLetter.toString());
        // AND the role is its alone, with no managed policy
        JsonNode role = resources.get(roleId).get("Properties");
        assertEquals("lambda.amazonaws.com", role.at("/AssumeRolePolicyDocument/Statement/0/Principal/Service").asText());
        assertTrue(role.at("/ManagedPolicyArns").isMissingNode(), role.toString());
    }

    @Test
    void fastPath_deadLetters_alarmTheTopic() {
        JsonNode alarm = ofType("AWS::CloudWatch::Alarm").stream()
                .filter(a -> a.at("/Properties/AlarmName").asText().equals("demo-FastPathDeadLetters")).findFirst().orElseThrow();
        assertEquals("ApproximateNumberOfMessagesVisible", alarm.at("/Properties/MetricName").asText());
        assertTrue(alarm.at("/Properties/Dimensions/0/Value").toString().contains("FastPathDeadLetters"));
        assertEquals(1, alarm.at("/Properties/Threshold").asInt());
        String description = alarm.at("/Properties/AlarmDescription").asText();
        assertTrue(description.contains("could not start the tick") && description.contains("docs/runbook.md, Fast path"), description);
    }

    // ---------------------------------------------------------------- helpers

    /** The one resource of {@code type} whose logical id contains {@code idPart}. */
    private static JsonNode resourceOf(String type, String idPart) {
        List<JsonNode> found = new ArrayList<>();
        resources.properties().forEach(e -> {
            if (e.getValue().get("Type").asText().equals(type) && e.getKey().contains(idPart)) {
                found.add(e.getValue());
            }
        });
        assertEquals(1, found.size(), type + " " + idPart);
        return found.getFirst();
    }

    private static JsonNode find(JsonNode statements, java.util.function.Predicate<JsonNode> which) {
        for (JsonNode statement : statements) {
            if (which.test(statement)) {
                return statement;
            }
        }
        throw new AssertionError("no such statement in " + statements);
    }

    private static List<JsonNode> ofType(String type) {
        List<JsonNode> found = new ArrayList<>();
        resources.properties().forEach(e -> {
            if (e.getValue().get("Type").asText().equals(type)) {
                found.add(e.getValue());
            }
        });
        return found;
    }

    private static JsonNode startTickOnAlert() {
        return ofType("AWS::Lambda::Function").stream()
                .filter(f -> f.at("/Properties/FunctionName").asText().equals("demo-start-tick-on-alert"))
                .findFirst().orElseThrow();
    }

    private static JsonNode env(Step step) {
        return ofType("AWS::Lambda::Function").stream()
                .filter(f -> f.at("/Properties/FunctionName").asText().equals("demo-" + step.functionName()))
                .findFirst().orElseThrow().at("/Properties/Environment/Variables");
    }

    private static JsonNode stateMachine(String name) {
        return ofType("AWS::StepFunctions::StateMachine").stream()
                .filter(m -> m.at("/Properties/StateMachineName").asText().equals("demo-" + name))
                .findFirst().orElseThrow().get("Properties");
    }

    private static List<JsonNode> allStatements() {
        List<JsonNode> statements = new ArrayList<>();
        ofType("AWS::IAM::Policy").forEach(p -> p.at("/Properties/PolicyDocument/Statement").forEach(statements::add));
        ofType("AWS::IAM::Role").forEach(r -> r.at("/Properties/Policies").forEach(
                p -> p.at("/PolicyDocument/Statement").forEach(statements::add)));
        return statements;
    }

    /** The reason of a cdk-nag suppression on the resource whose logical id starts with the construct's id. */
    private static String nagReason(String constructId, String rule) {
        Set<String> reasons = new java.util.LinkedHashSet<>(); // a construct's suppression repeats on its children
        resources.properties().forEach(e -> {
            if (e.getKey().startsWith("K3sAutoscaler" + constructId)) {
                e.getValue().at("/Metadata/cdk_nag/rules_to_suppress").forEach(r -> {
                    if (r.get("id").asText().equals(rule)) {
                        reasons.add(r.get("reason").asText());
                    }
                });
            }
        });
        assertEquals(1, reasons.size(), rule + " on " + constructId + ": " + reasons);
        return reasons.iterator().next();
    }

    private static List<JsonNode> runInstances() {
        return statementsOf(Step.LAUNCH_WORKERS).stream()
                .filter(s -> asList(s.get("Action")).stream().anyMatch(a -> a.asText().equals("ec2:RunInstances")))
                .toList();
    }

    private static JsonNode launchedInstance() {
        return runInstances().stream().filter(s -> s.get("Resource").toString().contains(":instance/*"))
                .findFirst().orElseThrow();
    }

    private static List<JsonNode> statementsOf(Step step) {
        String roleId = ofType("AWS::Lambda::Function").stream()
                .filter(f -> f.at("/Properties/FunctionName").asText().equals("demo-" + step.functionName()))
                .findFirst().orElseThrow().at("/Properties/Role/Fn::GetAtt/0").asText();
        return statementsOfRoleId(roleId);
    }

    private static List<JsonNode> statementsOfRoleId(String roleId) {
        List<JsonNode> statements = new ArrayList<>();
        ofType("AWS::IAM::Policy").forEach(p -> {
            for (JsonNode role : p.at("/Properties/Roles")) {
                if (role.at("/Ref").asText().equals(roleId)) {
                    p.at("/Properties/PolicyDocument/Statement").forEach(statements::add);
                }
            }
        });
        return statements;
    }

    private static JsonNode policyOfRole(String roleIdPart) {
        List<JsonNode> statements = new ArrayList<>();
        resources.properties().forEach(e -> {
            if (e.getValue().get("Type").asText().equals("AWS::IAM::Policy")) {
                for (JsonNode role : e.getValue().at("/Properties/Roles")) {
                    if (role.at("/Ref").asText().contains(roleIdPart)) {
                        e.getValue().at("/Properties/PolicyDocument/Statement").forEach(statements::add);
                    }
                }
            }
        });
        return JSON.valueToTree(statements);
    }

    private static List<JsonNode> asList(JsonNode node) {
        List<JsonNode> list = new ArrayList<>();
        if (node == null) {
            return list;
        }
        if (node.isArray()) {
            node.forEach(list::add);
        } else {
            list.add(node);
        }
        return list;
    }
}
