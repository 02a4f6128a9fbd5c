package dev.k3sautoscaler.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.runtime.StepJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The reduced fault matrix, as CI runs it: every fault kind at a few steps, every invariant after each run. */
class FaultMatrixIT {

    @Test
    void reducedMatrix_holdsEveryInvariant_afterEveryInjectedFault(@TempDir Path dir) throws IOException {
        // GIVEN
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new FaultMatrixCommand());
        command.setOut(new PrintWriter(out, true));

        // WHEN
        int exit = command.execute("--reduced", "--out", dir.toString());

        // THEN every run held, and most faults did fire (a step may run fewer times than asked)
        assertEquals(0, exit, out.toString());
        JsonNode outcomes = StepJson.MAPPER.readTree(dir.resolve(FaultMatrixCommand.RESULTS).toFile());
        assertEquals(36, outcomes.size());
        int fired = 0;
        for (JsonNode outcome : outcomes) {
            assertTrue(outcome.path("violations").isEmpty() && outcome.path("runtimeErrors").isEmpty(), outcome.toString());
            fired += outcome.path("fired").asBoolean() ? 1 : 0;
        }
        assertTrue(fired >= 30, fired + " of 36 faults fired\n" + out);
    }
}
