package dev.k3sautoscaler.cdk;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * cdk-nag AWS Solutions: no unsuppressed error or warning in any networking mode, with or without an
 * account and region; every suppression has a reason in Suppressions.
 */
class CdkNagTest {

    /**
     * Every networking mode, env-agnostic (tokens in ARNs) and with a fixed account and region (literals);
     * flow logs on in one of the two, so both the flow log and its absence are checked in every mode.
     */
    static Stream<Arguments> environments() {
        return Arrays.stream(NetworkingMode.values()).flatMap(mode -> Stream.of(
                Arguments.of(mode, true, true),
                Arguments.of(mode, false, false)));
    }

    @ParameterizedTest(name = "{0}, env-agnostic={1}, flow logs={2}")
    @MethodSource("environments")
    void awsSolutions_reportsNothingUnsuppressed(NetworkingMode mode, boolean envAgnostic, boolean flowLogs) {
        // GIVEN the whole system with Spot, e-mail and Slack (every optional resource)
        K3sAutoscalerStack stack = Synth.stack(Synth.props()
                .networkingMode(mode)
                .vpcFlowLogs(flowLogs)
                .capacityType("spot-with-on-demand-fallback")
                .notificationEmail("oncall@example.com")
                .slack("T0123ABCD", "C0123ABCD")
                .build(), envAgnostic ? Synth.ENV_AGNOSTIC : Synth.ENV);

        // WHEN cdk-nag's findings are read
        List<SynthesisMessage> errors = Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
        List<SynthesisMessage> warnings = Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));

        // THEN there are none
        assertEquals("", render(errors), "unsuppressed cdk-nag errors");
        assertEquals("", render(warnings), "unsuppressed cdk-nag warnings");
    }

    /** The finding's rule and subject; cdk-nag's explanation that follows is the same for every finding. */
    private static String firstLine(String finding) {
        int end = finding.indexOf("]: ");
        return end < 0 ? finding : finding.substring(0, end + 1);
    }

    private static String render(List<SynthesisMessage> messages) {
        return messages.stream().map(m -> m.getId() + ": " + firstLine(String.valueOf(m.getEntry().getData()))).collect(Collectors.joining("\n"));
    }
}
