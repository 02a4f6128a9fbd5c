package dev.k3sautoscaler.cdk;

import dev.k3sautoscaler.contract.Step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.core.config.LeaseBudget;
import dev.k3sautoscaler.workflow.StateMachine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The lease argument of {@link LeaseBudget} holds only if the definitions and the stack keep their
 * side of it: every step that acts under the lock gets the lease, the lockless Spot path gets none,
 * every Lambda error that means "the answer was lost" is retried, a killed launch's claim is
 * outwaited, and the Lambda timeouts are the ones LOCK_TTL_SEC was checked against. Read from the
 * ASL as deployed.
 */
class LeaseCoverageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ASL = Path.of("..", "workflow", "asl");
    /** Where a lease ends: after these no step acts under it. */
    private static final Set<String> LEASE_ENDS = Set.of("ReleaseLock", "ReleaseLockAfterLaunch", "ReleaseLockAfterFailure",
            "RecordLeaseLost", "LockBusy");
    private static final Set<String> LEASED_RESOURCES = Set.of("${LaunchWorkersArn}", "${TerminateWorkersArn}",
            "${CordonNodeArn}", "${DrainNodeArn}", "${DeleteNodeArn}");

    private static JsonNode states(String machine) throws IOException {
        return JSON.readTree(ASL.resolve(machine + ".asl.json").toFile()).get("States");
    }

    /** The states reachable from {@code start} without passing one of {@code stops}. */
    private static Set<String> reachable(JsonNode states, String start, Set<String> stops) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (stops.contains(name) || !seen.add(name)) {
                continue;
            }
            JsonNode state = states.get(name);
            List<String> next = new ArrayList<>();
            state.path("Next").asText("").transform(next::add);
            state.path("Default").asText("").transform(next::add);
            state.path("Catch").forEach(c -> next.add(c.get("Next").asText()));
            state.path("Choices").forEach(c -> next.add(c.get("Next").asText()));
            next.stream().filter(n -> !n.isEmpty()).forEach(todo::push);
        }
        return seen;
    }

    @Test
    void everyStepThatActsUnderTheLock_getsTheLease() throws IOException {
        JsonNode states = states("actuation");
        Set<String> underTheLock = reachable(states, "AcquireLock", LEASE_ENDS);
        List<String> leased = new ArrayList<>();
        for (String name : underTheLock) {
            JsonNode state = states.get(name);
            if (LEASED_RESOURCES.contains(state.path("Resource").asText())) {
                assertEquals("$.lock.lease", state.at("/Parameters/lease.$").asText(), name + " acts under the lock without its lease");
                leased.add(name);
            }
        }
        assertEquals(Set.of("LaunchWorkers", "CordonNode", "DrainNode", "TerminateDrainedWorker", "DeleteNode"), Set.copyOf(leased));
    }

    @Test
    void theSpotInterruptionPath_runsWithoutTheLock_andPassesNoLease() throws IOException {
        JsonNode states = states("actuation");
        Set<String> spotPath = reachable(states, "CordonInterruptedNode", Set.of());
        assertFalse(spotPath.contains("AcquireLock"));
        spotPath.stream().map(states::get).filter(s -> LEASED_RESOURCES.contains(s.path("Resource").asText()))
                .forEach(s -> assertTrue(s.at("/Parameters/lease.$").isMissingNode(), s.toString()));
    }

    @Test
    void theJoinIsWatchedAfterTheLockIsReleased() throws IOException {
        JsonNode states = states("actuation");
        assertEquals("ReleaseLockAfterLaunch", states.at("/RecordLaunch/Next").asText());
        Set<String> underTheLock = reachable(states, "AcquireLock", LEASE_ENDS);
        assertFalse(underTheLock.contains("WaitForWorkersToJoin"), "the join wait must not hold the lock");
        assertFalse(underTheLock.contains("CheckWorkersJoined"));
    }

    @Test
    void aLostLease_neverUncordons_andIsRecordedWithoutALease() throws IOException {
        JsonNode states = states("actuation");
        int catches = 0;
        for (String name : reachable(states, "AcquireLock", LEASE_ENDS)) {
            JsonNode first = states.get(name).path("Catch").path(0);
            if (!first.isMissingNode() && first.get("ErrorEquals").toString().contains("LockLost")) {
                assertEquals("RecordLeaseLost", first.get("Next").asText(), name);
                catches++;
            }
        }
        assertTrue(catches >= 10, "LockLost caught first on every step under the lock: " + catches);
        assertTrue(reachable(states, "RecordLeaseLost", Set.of()).stream().noneMatch(s -> s.startsWith("Uncordon")));
        assertTrue(states.at("/RecordLeaseLost/Parameters/lease.$").isMissingNode());
    }

    @Test
    void everyLambdaTask_retriesALostAnswer_andATimeout() throws IOException {
        for (String machine : List.of("tick", "actuation")) {
            // every Task, the ones inside Map states too
            for (StateMachine.StateEntry entry : StateMachine.allStates(JSON.readTree(ASL.resolve(machine + ".asl.json").toFile()))) {
                JsonNode state = entry.state();
                if (!state.path("Resource").asText().endsWith("Arn}") || state.path("Resource").asText().contains("StateMachine")) {
                    continue;
                }
                Set<String> retried = new HashSet<>();
                state.path("Retry").forEach(r -> r.get("ErrorEquals").forEach(e -> retried.add(e.asText())));
                for (String error : List.of("Lambda.Unknown", "Sandbox.Timedout", "States.Timeout")) {
                    assertTrue(retried.contains(error), machine + "/" + entry.path() + " does not retry " + error);
                }
            }
        }
    }

    @Test
    void fleetSteps_waitOutAKilledInvocationsClaim() throws IOException {
        JsonNode states = states("actuation");
        for (String name : List.of("LaunchWorkers", "TerminateDrainedWorker")) {
            JsonNode retrier = Stream.of(states.get(name).get("Retry")).flatMap(r -> java.util.stream.StreamSupport.stream(r.spliterator(), false))
                    .filter(r -> r.get("ErrorEquals").toString().contains("IdempotencyInProgress")).findFirst().orElseThrow();
            assertTrue(retrier.path("JitterStrategy").asText("NONE").equals("NONE"), "a jittered wait may be too short");
            double total = 0;
            for (int i = 0; i < retrier.get("MaxAttempts").asInt(); i++) {
                total += retrier.get("IntervalSeconds").asDouble() * Math.pow(retrier.path("BackoffRate").asDouble(2), i);
            }
            assertTrue(total > Step.Timeouts.FLEET.toSeconds(),
                    name + " gives up after " + total + " s, before a killed invocation's claim lapses");
        }
    }

    @Test
    void theStacksLambdaTimeouts_areTheOnesTheLeaseWasCheckedAgainst() {
        for (LeaseBudget.LeasedStep leased : LeaseBudget.LEASED_STEPS) {
            Step step = Stream.of(Step.values()).filter(s -> s.stateName().equals(leased.stateName())).findFirst().orElseThrow();
            assertEquals(leased.lambdaTimeout(), step.timeout(), step.name());
            assertTrue(step.leased());
        }
        assertEquals(5, Stream.of(Step.values()).filter(Step::leased).count());
    }
}
