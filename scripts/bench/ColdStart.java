import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One cold start, as the Lambda Java runtime does it: load the handler class from the function's
 * jar (on the classpath), construct it with its public no-arg constructor (INIT: environment,
 * clients), then call handleRequest once with a fixture event; with COLDSTART_WARM_INVOKES=N, N
 * times more. Prints one line: {@code jvm_ms init_ms invoke_ms outcome warm_ms} (warm: the median
 * of the N, "-" without them). Run in a fresh JVM per measurement.
 */
public final class ColdStart {
    public static void main(String[] args) throws Exception {
        long mainEntered = System.currentTimeMillis();
        long jvmMs = mainEntered - ManagementFactory.getRuntimeMXBean().getStartTime();
        String handlerClass = args[0];
        byte[] event = Files.readAllBytes(Path.of(args[1]));

        long t0 = System.nanoTime();
        Class<?> type = Class.forName(handlerClass);
        Object handler = type.getDeclaredConstructor().newInstance();
        long t1 = System.nanoTime();

        Class<?> contextType = Class.forName("com.amazonaws.services.lambda.runtime.Context");
        Object context = Class.forName("dev.k3sautoscaler.runtime.LocalLambdaContext")
                .getMethod("forFunction", String.class).invoke(null, type.getSimpleName());
        java.lang.reflect.Method handleRequest =
                type.getMethod("handleRequest", java.io.InputStream.class, java.io.OutputStream.class, contextType);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String outcome = "ok";
        try {
            handleRequest.invoke(handler, new ByteArrayInputStream(event), out, context);
        } catch (java.lang.reflect.InvocationTargetException e) {
            outcome = "error:" + e.getCause().getClass().getName();
        }
        long t2 = System.nanoTime();
        // Then the warm container: the same event again, as a function invoked every minute mostly is.
        int warmInvokes = Integer.parseInt(System.getenv().getOrDefault("COLDSTART_WARM_INVOKES", "0"));
        long[] warmMicros = new long[warmInvokes];
        for (int i = 0; i < warmInvokes; i++) {
            long start = System.nanoTime();
            try {
                handleRequest.invoke(handler, new ByteArrayInputStream(event), new ByteArrayOutputStream(), context);
            } catch (java.lang.reflect.InvocationTargetException e) {
                // the same outcome as the first invoke; only the time is wanted
            }
            warmMicros[i] = (System.nanoTime() - start) / 1_000;
        }
        java.util.Arrays.sort(warmMicros);
        String warm = warmInvokes == 0 ? "-" : String.format("%.2f", warmMicros[warmInvokes / 2] / 1000.0);
        System.out.printf("COLDSTART %d %d %d %s %s%n", jvmMs, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, outcome, warm);
        if (System.getenv("COLDSTART_SHOW_OUTPUT") != null) {
            System.out.println(out.toString(StandardCharsets.UTF_8));
        }
    }
}
