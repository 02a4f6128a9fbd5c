import dev.k3sautoscaler.contract.PowertoolsEnvironment;
import dev.k3sautoscaler.simulator.cli.SimulateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs one simulation several times in this JVM and prints each run's wall time: the first run pays
 * the JVM's warm-up (class loading, interpretation, the JIT's queue), the later ones what the
 * simulated day itself costs. Each run writes its own output directory, and each run's summary is
 * compared with the first's (a seed fixes a run, so they must be the same byte for byte).
 *
 * <p>Arguments: {@code <runs> <out dir> <simulate arguments…>} (without {@code --out}).
 */
public final class SimulatorRepeat {
    private SimulatorRepeat() {
    }

    public static void main(String[] args) throws Exception {
        // The simulate command's main would start a child JVM with these; here they must already be set.
        Map<String, String> lambda = new LinkedHashMap<>(PowertoolsEnvironment.variables());
        lambda.put("AWS_EMF_ENVIRONMENT", "Lambda");
        if (!lambda.entrySet().stream().allMatch(variable -> variable.getValue().equals(System.getenv(variable.getKey())))) {
            System.err.println("set these variables first: " + lambda);
            System.exit(2);
        }
        if (args.length < 2 || !args[0].matches("[1-9][0-9]*")) {
            System.err.println("usage: SimulatorRepeat <runs ≥ 1> <out dir> <simulate arguments…>; got " + Arrays.toString(args));
            System.exit(2);
        }
        int runs = Integer.parseInt(args[0]);
        Path out = Path.of(args[1]);
        List<String> simulate = Arrays.asList(args).subList(2, args.length);
        byte[] first = null;
        for (int run = 1; run <= runs; run++) {
            List<String> arguments = new ArrayList<>(simulate);
            Path runOut = out.resolve("run-" + run);
            arguments.addAll(List.of("--out", runOut.toString()));
            long start = System.nanoTime();
            int exit = new CommandLine(new SimulateCommand()).execute(arguments.toArray(String[]::new));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (exit != 0) {
                System.err.println("run " + run + " failed with exit code " + exit);
                System.exit(exit);
            }
            byte[] summary = Files.readAllBytes(runOut.resolve("summary.json"));
            first = first == null ? summary : first;
            System.out.printf("RUN %d %.1f s%s%n", run, seconds, Arrays.equals(first, summary) ? "" : " (summary differs from run 1)");
        }
        // The virtual cloud's servers run non-daemon threads.
        System.exit(0);
    }
}
