package dev.k3sautoscaler.cdk;

import dev.k3sautoscaler.contract.Step;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;

import java.util.List;

/**
 * Every cdk-nag (AwsSolutions) finding the design accepts, each with its reason. A finding not
 * listed here fails {@code CdkNagTest}; a suppression is scoped to the construct and, for
 * wildcard findings, to the exact wildcard it accepts. Also a CloudFormation validation warning
 * that is wrong about this stack, acknowledged with its reason.
 */
final class Suppressions {
    /** An ARN's region as cdk-nag renders it: a literal, or the token of an env-agnostic stack. */
    private static final String REGION = "(?:[a-z0-9-]+|<AWS::Region>)";
    /** The account (empty for AWS's images): a literal, or the token of an env-agnostic stack. */
    private static final String ACCOUNT = "(?:[0-9]*|<AWS::AccountId>)";

    private Suppressions() {
    }

    static void apply(K3sAutoscaler autoscaler) {
        Stack stack = Stack.of(autoscaler);
        K3sAutoscalerProps props = autoscaler.props();

        boolean publicApi = props.networkingMode() == NetworkingMode.PUBLIC_API;
        if (!props.vpcFlowLogs()) {
            suppress(autoscaler.vpc(), "AwsSolutions-VPC7",
                    "Flow logs are off by default (vpcFlowLogs=true turns them on): CloudWatch ingestion is charged per GB "
                            + "and image pulls dominate the traffic. " + (publicApi
                            ? "The one public entry they would record is 6443 on the master, open to apiAllowedCidrs "
                                    + "(0.0.0.0/0 by default): the K3s API and join endpoint, which answers anonymous "
                                    + "callers with discovery and health only"
                            : "Nothing is open to the internet in this networking mode: 6443 admits the nodes and "
                                    + "the autoscaler's Lambdas only"));
        }
        suppress(autoscaler.masterInstance(), "AwsSolutions-EC28",
                "Detailed monitoring ($2.10/month per instance) adds nothing: the autoscaler reads Prometheus, not EC2 metrics");
        suppress(autoscaler.masterInstance(), "AwsSolutions-EC29",
                "The master is a single K3s server by design (one master, 2-N workers); termination protection "
                        + "would block cdk destroy, and the autoscaler's IAM cannot terminate it (tag condition)");
        if (props.sessionManager()) {
            NagSuppressions.addResourceSuppressions(autoscaler.masterInstance().getRole(), List.of(
                    NagPackSuppression.builder().id("AwsSolutions-IAM4")
                            .reason("AmazonSSMManagedInstanceCore is AWS's maintained policy for Session Manager, the "
                                    + "operator's only way onto the master (no SSH key, no port 22); opt out with sessionManager=false")
                            .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore"))
                            .build()), true);
        }
        if (publicApi) {
            NagSuppressions.addResourceSuppressionsByPath(stack,
                    autoscaler.getNode().getPath() + "/MasterSecurityGroup/Resource", List.of(
                            NagPackSuppression.builder().id("AwsSolutions-EC23")
                                    .reason("6443 is open to apiAllowedCidrs, 0.0.0.0/0 by default, because the Lambdas "
                                            + "outside the VPC have no fixed address. It serves the K3s API server and the "
                                            + "node join endpoint: API requests need TLS and a token (anonymous gets "
                                            + "discovery and health only), a join needs the join token from SSM. "
                                            + "Narrow it with apiAllowedCidrs or close it with a VPC networking mode "
                                            + "(docs/decisions/cdk-networking-default.md)")
                                    .build()));
        }

        // Lambda roles: the only wildcards are resource ids that do not exist before the call.
        autoscaler.functions().forEach((step, function) -> {
            switch (step.reach()) {
                case EC2, EC2_AND_CLUSTER, EC2_READ -> NagSuppressions.addResourceSuppressions(function.getRole(), List.of(
                        NagPackSuppression.builder().id("AwsSolutions-IAM5")
                                .reason("ec2:DescribeInstances has no resource-level permissions (only \"*\"); "
                                        + "instance/volume/network-interface ids are created by the call, so they are "
                                        + "scoped by the launch template ARN and the managed+cluster tag conditions instead; the AMI is "
                                        + "resolved at launch, so images are limited to owner amazon; "
                                        + "and TerminateInstances by the same tags on the existing instance")
                                .appliesTo(List.of(
                                        "Resource::*",
                                        RegexAppliesTo.builder().regex("/^Resource::arn:<AWS::Partition>:ec2:" + REGION + ":" + ACCOUNT
                                                + ":(instance|volume|network-interface|spot-instances-request|image)\\/\\*$/").build()))
                                .build()), true);
                default -> { }
            }
        });

        if (autoscaler.startTickOnAlertAlias() != null) {
            Validations.of(autoscaler.startTickOnAlertAlias()).acknowledge(Acknowledgment.builder()
                    .id("CloudFormation-Validate::W3694")
                    .reason("SNS's lambda protocol takes a function's alias ARN as its endpoint (a qualified function "
                            + "ARN): the fast path subscribes the alias so that SnapStart's published version answers")
                    .build());
        }

        for (var machine : List.of(autoscaler.tick(), autoscaler.actuation())) {
            NagSuppressions.addResourceSuppressions(machine, List.of(
                    NagPackSuppression.builder().id("AwsSolutions-SF2")
                            .reason("Logs at level ALL with execution data show every state's input and output; "
                                    + "X-Ray would add trace cost and xray:* wildcards without more insight into a "
                                    + "chain of single Lambda calls")
                            .build(),
                    NagPackSuppression.builder().id("AwsSolutions-IAM5")
                            .reason("Step Functions log delivery (logs:*LogDelivery, DescribeLogGroups, "
                                    + "*ResourcePolicy) supports only \"*\" as resource (AWS documentation)")
                            .appliesTo(List.of("Resource::*"))
                            .build()), true);
        }
    }

    private static void suppress(software.constructs.IConstruct construct, String id, String reason) {
        NagSuppressions.addResourceSuppressions(construct,
                List.of(NagPackSuppression.builder().id(id).reason(reason).build()), true);
    }
}
