package dev.k3sautoscaler.core.lifecycle;

import static dev.k3sautoscaler.core.lifecycle.ReconcileRulesTest.CLUSTER;
import static dev.k3sautoscaler.core.lifecycle.ReconcileRulesTest.OLD;
import static dev.k3sautoscaler.core.lifecycle.ReconcileRulesTest.ours;
import static dev.k3sautoscaler.core.lifecycle.ReconcileRulesTest.tagged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.lifecycle.EventInstanceVerdict.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventInstanceRulesTest {
    private static final String ID = "i-0abc1234def567890";

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("our running worker", ours(ID, InstanceState.RUNNING, OLD), Kind.OURS),
                Arguments.of("our worker still booting", ours(ID, InstanceState.PENDING, OLD), Kind.OURS),
                Arguments.of("our worker stopping (a Spot stop)", ours(ID, InstanceState.STOPPING, OLD), Kind.OURS),
                Arguments.of("our worker shutting down: its pods still move sooner if drained",
                        ours(ID, InstanceState.SHUTTING_DOWN, OLD), Kind.OURS),
                Arguments.of("our worker, terminated", ours(ID, InstanceState.TERMINATED, OLD), Kind.ALREADY_TERMINATED),
                Arguments.of("an id EC2 does not know", ObservedInstance.notFound(ID), Kind.UNKNOWN_INSTANCE),
                Arguments.of("another cluster's worker", tagged(ID, true, "other", false), Kind.OTHER_CLUSTER),
                Arguments.of("another cluster's master", tagged(ID, false, "other", true), Kind.OTHER_CLUSTER),
                Arguments.of("another cluster's worker, terminated",
                        new ObservedInstance(ID, InstanceState.TERMINATED, OLD, "t3.small", "eu-west-1a", "spot", true,
                                "other", false), Kind.OTHER_CLUSTER),
                Arguments.of("our master", tagged(ID, false, CLUSTER, true), Kind.MASTER),
                Arguments.of("our master, tagged managed by mistake", tagged(ID, true, CLUSTER, true), Kind.MASTER),
                Arguments.of("an untagged instance", tagged(ID, false, null, false), Kind.NOT_MANAGED),
                Arguments.of("in our cluster, not launched by the autoscaler", tagged(ID, false, CLUSTER, false), Kind.NOT_MANAGED),
                Arguments.of("managed, no cluster tag", tagged(ID, true, null, false), Kind.NOT_MANAGED));
    }

    @ParameterizedTest(name = "{0} → {2}")
    @MethodSource("table")
    void identify(String seen, ObservedInstance instance, Kind expected) {
        // WHEN the instance an EC2 event names is classified
        EventInstanceVerdict verdict = EventInstanceRules.identify(instance, CLUSTER);

        // THEN the verdict is the table's, for that instance
        assertEquals(expected, verdict.kind(), seen);
        assertEquals(ID, verdict.instance().instanceId());
    }

    @Test
    void oursExactly_whenTheTerminationRulesWouldCallItOurs_andItIsNotGone() {
        // GIVEN every combination of tags and state
        List<ObservedInstance> all = new ArrayList<>();
        for (boolean managed : new boolean[] {true, false}) {
            for (String cluster : new String[] {null, CLUSTER, "other"}) {
                for (boolean master : new boolean[] {true, false}) {
                    for (InstanceState state : InstanceState.values()) {
                        all.add(new ObservedInstance(ID, state, OLD, "t3.small", "eu-west-1a", "on-demand", managed, cluster, master));
                    }
                }
            }
        }

        // THEN an actuation is started for exactly the instances a termination may also touch (ObservedInstance.ours)
        for (ObservedInstance instance : all) {
            boolean expected = instance.ours(CLUSTER) && instance.state() != InstanceState.TERMINATED
                    && instance.state() != InstanceState.NOT_FOUND;
            assertEquals(expected, EventInstanceRules.identify(instance, CLUSTER).ours(), instance.toString());
        }
    }
}
