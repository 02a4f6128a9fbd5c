package dev.k3sautoscaler.testkit.dynamodb;

import com.amazonaws.services.dynamodbv2.local.main.CommandLineInput;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import dev.k3sautoscaler.runtime.AwsClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local (the real query engine, in memory) started in this JVM on a free loopback port,
 * reached over HTTP by the production SDK client, so conditional writes, transactions and error
 * mapping are exercised exactly as against AWS. One server per JVM ({@link #shared()}) is enough:
 * tests separate themselves by table name.
 */
public final class LocalDynamoDb implements AutoCloseable {
    /**
     * What every client of this server signs with: DynamoDB Local keeps one database per access key
     * and region, so a client signing otherwise would not see the tables this one created.
     */
    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    public static final Region REGION = Region.US_EAST_1;
    /** The loggers of DynamoDB Local and of the Jetty it serves HTTP with. */
    private static final List<String> OWN_LOGGERS = List.of("com.amazonaws.services.dynamodbv2", "org.eclipse.jetty");
    /** Held: java.util.logging keeps loggers weakly, and a collected logger forgets its filter. */
    private static final String STDERR_APPENDER = "dynamodb-local-stderr";
    private static final java.util.logging.Logger SQLITE = java.util.logging.Logger.getLogger("com.almworks.sqlite4java");

    private static LocalDynamoDb shared;

    private final DynamoDBProxyServer server;
    private final URI endpoint;

    private LocalDynamoDb(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /** Starts a new in-memory server. Close it when done; prefer {@link #shared()} in tests. */
    public static LocalDynamoDb start() {
        keepOwnOutputOffStdout();
        int port = freePort();
        try {
            // -disableTelemetry: tests and the simulator run offline; telemetry would also leave a
            // dynamodb-local-metadata.json in the working directory. createServer, not
            // createServerFromCommandLineArgs: that one prints its configuration on stdout.
            CommandLineInput input = new CommandLineInput(
                    new String[] {"-inMemory", "-disableTelemetry", "-port", Integer.toString(port)});
            input.init();
            DynamoDBProxyServer server = ServerRunner.createServer(input);
            server.start();
            return new LocalDynamoDb(server, URI.create("http://127.0.0.1:" + port));
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port
                    + " (it needs its bundled sqlite4java native library and --enable-native-access=ALL-UNNAMED)", e);
        }
    }

    /**
     * Stdout is the functions' log (Lambda's, the simulator's {@code lambda-logs.jsonl}), and the
     * Log4j configuration the functions bring writes every logger there. DynamoDB Local logs every
     * request at INFO and every failed condition (an expected answer for us) at WARN with a stack
     * trace: its loggers and Jetty's get their own appender on stderr, errors only. Levels alone would
     * not hold: Powertools sets every logger to POWERTOOLS_LOG_LEVEL. SQLite warns through
     * java.util.logging (in a shaded jar: "unknown jar version", every run), at a level DynamoDB Local
     * resets as it starts: a filter keeps its severe records only.
     */
    private static synchronized void keepOwnOutputOffStdout() {
        SQLITE.setFilter(record -> record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue());
        // DynamoDB Local's loggers live in the context of its class loader (LogManager.getLogger(Class));
        // Jetty's, through SLF4J, in the caller's. In a jar without Multi-Release (the shaded simulator)
        // Log4j cannot find callers and that is a second, default context: both get the routing.
        Set<LoggerContext> contexts = Collections.newSetFromMap(new IdentityHashMap<>());
        contexts.add((LoggerContext) LogManager.getContext(ServerRunner.class.getClassLoader(), false));
        contexts.add((LoggerContext) LogManager.getContext(false));
        contexts.forEach(LocalDynamoDb::routeToStderr);
    }

    private static void routeToStderr(LoggerContext context) {
        Configuration configuration = context.getConfiguration();
        if (configuration.getAppender(STDERR_APPENDER) != null) {
            return;
        }
        Appender stderr = ConsoleAppender.newBuilder().setName(STDERR_APPENDER).setTarget(ConsoleAppender.Target.SYSTEM_ERR)
                .setLayout(PatternLayout.newBuilder().withPattern("DynamoDB Local %level %logger{1}: %message%n")
                        .withConfiguration(configuration).build())
                .setConfiguration(configuration).build();
        stderr.start();
        configuration.addAppender(stderr);
        for (String name : OWN_LOGGERS) {
            LoggerConfig logger = LoggerConfig.newBuilder().withLoggerName(name).withLevel(Level.ERROR).withAdditivity(false)
                    .withRefs(new AppenderRef[] {AppenderRef.createAppenderRef(STDERR_APPENDER, Level.ERROR, null)})
                    .withConfig(configuration).build();
            logger.addAppender(stderr, Level.ERROR, null);
            configuration.addLogger(name, logger);
        }
        context.updateLoggers();
    }

    /** The JVM-wide server, started on first use and stopped when the JVM exits. */
    public static synchronized LocalDynamoDb shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "dynamodb-local-stop"));
        }
        return shared;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A production-shaped client (the Lambdas' HTTP client, via AwsClients) pointed at this server. */
    public DynamoDbClient client() {
        return clientFor(endpoint);
    }

    /** A client for any DynamoDB-compatible endpoint, e.g. a {@link DynamoDbFaultServer}. */
    public static DynamoDbClient clientFor(URI endpoint) {
        return AwsClients.build(DynamoDbClient.builder(), REGION, CREDENTIALS, endpoint);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port for DynamoDB Local", e);
        }
    }
}
