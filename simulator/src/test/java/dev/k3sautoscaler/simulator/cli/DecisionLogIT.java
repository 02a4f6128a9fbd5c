package dev.k3sautoscaler.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.simulator.engine.DecisionLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The per-tick decision log a run leaves under {@code --out}: why each tick did what it did, NOOPs included. */
class DecisionLogIT {

    @Test
    void everyTick_leavesOneLine_withItsOutcomeActionReasonAndWorkerCodes(@TempDir Path dir) throws IOException {
        // GIVEN / WHEN 15 minutes of steady: 10 web pods on 3 workers where 2 suffice, so NOOP ticks, then a scale-down
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new SimulateCommand());
        command.setOut(new PrintWriter(new StringWriter(), true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute("--scenario", "steady", "--duration", "15m", "--out", dir.toString());

        // THEN one line per tick, in time order, each saying when, which execution, how it ended and why
        assertEquals(0, exit, err.toString());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(DecisionLog.FILE))) {
            lines.add(StepJson.MAPPER.readTree(line));
        }
        assertEquals(15, lines.size(), "one tick a minute");
        Instant previous = Instant.MIN;
        for (JsonNode line : lines) {
            Instant at = Instant.parse(line.path("at").asText());
            assertTrue(at.isAfter(previous), line.toString());
            previous = at;
            assertTrue(line.path("execution").asText().startsWith("tick-"), line.toString());
            assertEquals("SUCCEEDED", line.path("status").asText(), line.toString());
            assertFalse(line.path("outcome").asText().isEmpty(), line.toString());
            assertFalse(line.path("reason").asText().isEmpty(), line.toString());
        }
        // AND a NOOP tick keeps its decision: the action, the reason's code and every worker's code
        JsonNode noop = lines.getFirst();
        assertEquals("no action", noop.path("outcome").asText(), noop.toString());
        assertEquals("NOOP", noop.path("action").asText(), noop.toString());
        assertFalse(noop.path("reasonCode").asText().isEmpty(), noop.toString());
        assertEquals(3, noop.path("workers").size(), noop.toString());
        noop.path("workers").properties().forEach(worker -> {
            assertTrue(worker.getKey().startsWith("i-"), noop.toString());
            assertFalse(worker.getValue().asText().isEmpty(), noop.toString());
        });
        // AND the tick that started the scale-down says so
        assertTrue(lines.stream().anyMatch(line -> line.path("action").asText().equals("SCALE_DOWN")
                && line.path("outcome").asText().equals("actuation started")), lines.toString());
    }
}
