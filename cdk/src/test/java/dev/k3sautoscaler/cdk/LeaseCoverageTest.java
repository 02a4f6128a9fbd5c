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

    /**
     * A reachable state, top level or inside a Map's item processor (every state of a reachable Map
     * runs under the same lock), with the path its item processor gives the lease.
     *
     * @param lease the lease's JSONPath for this state's input: {@code $.lock.lease} at the top level, the
     *              ItemSelector's name for it inside a Map (null when the Map passes none)
     * @param scope the states this one's Next and Catch refer to
     */
    private record Reached(String path, JsonNode state, String lease, JsonNode scope) {
    }

    private static List<Reached> reachableWithMaps(JsonNode states, String start, Set<String> stops) {
        List<Reached> out = new ArrayList<>();
        for (String name : reachable(states, start, stops)) {
            out.add(new Reached(name, states.get(name), "$.lock.lease", states));
            JsonNode state = states.get(name);
            if ("Map".equals(state.path("Type").asText())) {
                String lease = null;
                var selector = state.path("ItemSelector").properties().iterator();
                while (selector.hasNext()) {
                    var field = selector.next();
                    if (field.getValue().asText().equals("$.lock.lease")) {
                        lease = "$." + field.getKey().replace(".$", "");
                    }
                }
                JsonNode inner = state.at("/ItemProcessor/States");
                for (String innerName : reachable(inner, state.at("/ItemProcessor/StartAt").asText(), Set.of())) {
                    out.add(new Reached(name + "/" + innerName, inner.get(innerName), lease, inner));
                }
            }
        }
        return out;
    }

    @Test
    void everyStepThatActsUnderTheLock_getsTheLease() throws IOException {
        JsonNode states = states("actuation");
        List<String> leased = new ArrayList<>();
        for (Reached reached : reachableWithMaps(states, "AcquireLock", LEASE_ENDS)) {
            if (LEASED_RESOURCES.contains(reached.state().path("Resource").asText())) {
                assertEquals(reached.lease(), reached.state().at("/Parameters/lease.$").asText(),
                        reached.path() + " acts under the lock without its lease");
                leased.add(reached.path());
            }
        }
        assertEquals(Set.of("LaunchWorkers", "RemoveEach/CordonNode", "RemoveEach/DrainNode",
                "RemoveEach/TerminateDrainedWorker", "RemoveEach/DeleteNode"), Set.copyOf(leased));
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
        for (Reached reached : reachableWithMaps(states, "AcquireLock", LEASE_ENDS)) {
            JsonNode first = reached.state().path("Catch").path(0);
            if (!first.isMissingNode() && first.get("ErrorEquals").toString().contains("LockLost")) {
                String next = first.get("Next").asText();
                if (reached.scope() == states) {
                    assertEquals("RecordLeaseLost", next, reached.path());
                } else {
                    // Inside the Map: the iteration ends there, touching nothing; the record after the Map,
                    // made with the lost lease, ends in LockLost and RecordLeaseLost.
                    JsonNode ending = reached.scope().get(next);
                    assertTrue(ending.path("End").asBoolean() && "Pass".equals(ending.path("Type").asText()),
                            reached.path() + " → " + next);
                }
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
        for (String path : List.of("LaunchWorkers", "RemoveEach/ItemProcessor/States/TerminateDrainedWorker")) {
            JsonNode state = states.at("/" + path);
            String name = path;
            JsonNode retrier = Stream.of(state.get("Retry")).flatMap(r -> java.util.stream.StreamSupport.stream(r.spliterator(), false))
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
