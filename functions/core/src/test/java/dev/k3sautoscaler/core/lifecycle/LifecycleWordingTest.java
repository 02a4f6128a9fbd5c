package dev.k3sautoscaler.core.lifecycle;

import dev.k3sautoscaler.core.words.WordingTables;
import static dev.k3sautoscaler.core.lifecycle.ReconcileRulesTest.CLUSTER;
import static dev.k3sautoscaler.core.lifecycle.ReconcileRulesTest.OLD;
import static dev.k3sautoscaler.core.lifecycle.ReconcileRulesTest.TIMEOUT;
import static dev.k3sautoscaler.core.lifecycle.ReconcileRulesTest.ours;
import static dev.k3sautoscaler.core.lifecycle.ReconcileRulesTest.tagged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.lifecycle.ReconcileAction.Kind;
import dev.k3sautoscaler.core.lifecycle.ReconcileAction.Reason;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The golden wording of the lifecycle steps: the only test that pins how verdicts, actions and summaries read. */
class LifecycleWordingTest {
    private static final String ID = "i-0abc1234def567890";
    private static final Instant AT = Instant.parse("2026-11-23T10:02:11Z");

    static Stream<Arguments> verdicts() {
        return Stream.of(
                row(EventInstanceRules.identify(ours(ID, InstanceState.RUNNING, OLD), CLUSTER),
                        "i-0abc1234def567890 is a worker of cluster demo (running)"),
                row(EventInstanceRules.identify(ours(ID, InstanceState.TERMINATED, OLD), CLUSTER),
                        "i-0abc1234def567890 is already terminated: nothing left to drain (the reconcile deletes its Node)"),
                row(EventInstanceRules.identify(ObservedInstance.notFound(ID), CLUSTER),
                        "EC2 knows no instance i-0abc1234def567890 in this account and region"),
                row(EventInstanceRules.identify(tagged(ID, true, "other", false), CLUSTER),
                        "i-0abc1234def567890 belongs to cluster other (k3s-autoscaler/cluster=other), not to demo"),
                row(EventInstanceRules.identify(tagged(ID, false, CLUSTER, true), CLUSTER),
                        "i-0abc1234def567890 is a K3s master (k3s-autoscaler/role=master): the autoscaler never drains it"),
                row(EventInstanceRules.identify(tagged(ID, true, null, false), CLUSTER),
                        "i-0abc1234def567890 has no k3s-autoscaler/cluster tag: not a worker the autoscaler launched"),
                row(EventInstanceRules.identify(tagged(ID, false, CLUSTER, false), CLUSTER),
                        "i-0abc1234def567890 is not tagged k3s-autoscaler/managed=true: not a worker the autoscaler launched"));
    }

    static Stream<Arguments> actions() {
        return Stream.of(
                row(action(Kind.TERMINATE_INSTANCE, "i-0abc", Reason.NEVER_JOINED, null, InstanceState.RUNNING),
                        "terminated i-0abc: launched 10:02:11, no Ready Node after JOIN_TIMEOUT_SEC=600 s"),
                row(action(Kind.CLEAR_LAUNCH, "i-0abc", Reason.NEVER_JOINED, null, InstanceState.STOPPED),
                        "cleared pending launch i-0abc: launched 10:02:11, no Ready Node after JOIN_TIMEOUT_SEC=600 s"
                                + " (the instance is stopped)"),
                row(action(Kind.CLEAR_LAUNCH, "i-0abc", Reason.JOINED, "ip-10-0-1-5", null),
                        "cleared pending launch i-0abc: joined as Node ip-10-0-1-5 (Ready)"),
                row(action(Kind.CLEAR_LAUNCH, "i-0abc", Reason.LAUNCH_GONE, null, InstanceState.TERMINATED),
                        "cleared pending launch i-0abc: EC2 reports it terminated"),
                row(action(Kind.CLEAR_LAUNCH, "i-0abc", Reason.LAUNCH_GONE, null, InstanceState.NOT_FOUND),
                        "cleared pending launch i-0abc: unknown to EC2 JOIN_TIMEOUT_SEC=600 s after its launch at 10:02:11"),
                row(action(Kind.ADOPT_LAUNCH, "i-0abc", Reason.UNTRACKED_LAUNCH, null, InstanceState.PENDING),
                        "adopted i-0abc as a pending launch: launched 10:02:11 but recorded nowhere (a crash before RecordLaunch)"),
                row(action(Kind.TERMINATE_INSTANCE, "i-0abc", Reason.NO_NODE, null, InstanceState.RUNNING),
                        "terminated i-0abc: launched 10:02:11, recorded nowhere and no Node after JOIN_TIMEOUT_SEC=600 s"),
                row(action(Kind.TERMINATE_INSTANCE, "i-0abc", Reason.NODE_NOT_READY, "ip-10-0-1-5", InstanceState.RUNNING),
                        "terminated i-0abc: its Node ip-10-0-1-5 NotReady since 10:02:11, past JOIN_TIMEOUT_SEC=600 s"),
                row(action(Kind.DELETE_NODE, "ip-10-0-1-5", Reason.INSTANCE_GONE, "i-0abc", InstanceState.SHUTTING_DOWN),
                        "deleted Node ip-10-0-1-5: NotReady and its instance i-0abc is shutting-down"),
                row(action(Kind.DELETE_NODE, "ip-10-0-1-5", Reason.INSTANCE_GONE, "i-0abc", InstanceState.NOT_FOUND),
                        "deleted Node ip-10-0-1-5: NotReady and its instance i-0abc is unknown to EC2"),
                row(action(Kind.HOLD_TERMINATION, "i-0abc", Reason.NO_NODE, null, InstanceState.RUNNING),
                        "left i-0abc running (too many workers without a Ready Node at once: a cluster-wide fault, not lost"
                                + " machines): launched 10:02:11, recorded nowhere and no Node after JOIN_TIMEOUT_SEC=600 s"),
                row(action(Kind.TERMINATE_INSTANCE, "i-0abc", Reason.DRAINED_NOT_TERMINATED, "ip-10-0-1-5", InstanceState.RUNNING),
                        "terminated i-0abc: its Node ip-10-0-1-5 was drained by a scale-down at 10:02:11 and left cordoned:"
                                + " the termination that should have followed failed"),
                row(action(Kind.DELETE_NODE, "ip-10-0-1-5", Reason.DRAINED_NOT_TERMINATED, "i-0abc", InstanceState.RUNNING),
                        "deleted Node ip-10-0-1-5: its instance i-0abc was drained by a scale-down at 10:02:11 and left"
                                + " cordoned: the termination that should have followed failed"),
                row(action(Kind.RELEASE_CLAIM, "ip-10-0-1-5", Reason.STALE_DRAIN_CLAIM, "i-0abc", null),
                        "uncordoned Node ip-10-0-1-5: cordoned for a drain at 10:02:11 that no execution owns any more"
                                + " (its lease was lost mid-drain)"));
    }

    static Stream<Arguments> summaries() {
        List<ReconcileAction> done = List.of(
                action(Kind.TERMINATE_INSTANCE, "i-2", Reason.NEVER_JOINED, null, InstanceState.RUNNING),
                action(Kind.DELETE_NODE, "w3", Reason.INSTANCE_GONE, "i-3", InstanceState.TERMINATED),
                action(Kind.ADOPT_LAUNCH, "i-4", Reason.UNTRACKED_LAUNCH, null, InstanceState.RUNNING),
                action(Kind.CLEAR_LAUNCH, "i-1", Reason.JOINED, "w1", null),
                action(Kind.CLEAR_LAUNCH, "i-2", Reason.NEVER_JOINED, null, InstanceState.RUNNING),
                action(Kind.HOLD_TERMINATION, "i-5", Reason.NO_NODE, null, InstanceState.RUNNING),
                action(Kind.RELEASE_CLAIM, "w6", Reason.STALE_DRAIN_CLAIM, "i-6", null));
        return Stream.of(
                row(new ReconcileSummary.NothingToReconcile(3, 3), "nothing to reconcile: 3 billed, 3 Ready"),
                row(new ReconcileSummary.Reconciled(done.subList(0, 5), 2, 1),
                        "reconciled: terminated i-2; deleted Node w3; adopted i-4; cleared i-1, i-2; 2 billed, 1 Ready"),
                row(new ReconcileSummary.Reconciled(done.subList(5, 7), 4, 0),
                        "reconciled: held back the termination of i-5; uncordoned w6; 4 billed, 0 Ready"),
                row(new ReconcileSummary.ObservedOnly(done.subList(0, 5), 2, 1),
                        "observed only, nothing changed; would have terminated i-2; deleted Node w3; adopted i-4;"
                                + " cleared i-1, i-2; 2 billed, 1 Ready"));
    }

    private static ReconcileAction action(Kind kind, String target, Reason reason, String counterpart,
                                          InstanceState state) {
        return new ReconcileAction(kind, target, reason, AT, TIMEOUT, counterpart, state);
    }

    private static Arguments row(Object reason, String expected) {
        return Arguments.of(reason, expected);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("verdicts")
    void everyVerdict_readsAsPinned(EventInstanceVerdict verdict, String expected) {
        assertEquals(expected, LifecycleWording.verdict(verdict));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("actions")
    void everyAction_readsAsPinned(ReconcileAction action, String expected) {
        assertEquals(expected, LifecycleWording.action(action));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("summaries")
    void everySummary_readsAsPinned(ReconcileSummary summary, String expected) {
        assertEquals(expected, LifecycleWording.summary(summary));
    }

    @Test
    void theTables_coverEveryCode() {
                                        WordingTables.assertCoversEveryCode(verdicts(), EventInstanceVerdict.class, EventInstanceVerdict::kind, EventInstanceVerdict.Kind.class);
        WordingTables.assertCoversEveryCode(actions(), ReconcileAction.class, ReconcileAction::kind, Kind.class);
        WordingTables.assertCoversEveryCode(actions(), ReconcileAction.class, ReconcileAction::reason, Reason.class);
        WordingTables.assertCoversEveryCode(summaries(), ReconcileSummary.class, ReconcileSummary::code, ReconcileSummary.Code.class);
    }
}
