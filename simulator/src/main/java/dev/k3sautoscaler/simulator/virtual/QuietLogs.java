package dev.k3sautoscaler.simulator.virtual;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The virtual cloud's servers log through java.util.logging at INFO (the mock API server logs every
 * request); a run makes thousands of those lines on the terminal. (DynamoDB Local's SQLite is
 * quieted where DynamoDB Local starts: LocalDynamoDb.)
 */
public final class QuietLogs {
    /** Held: java.util.logging keeps loggers weakly, and a collected logger forgets its level. */
    private static final List<Logger> QUIETED = new ArrayList<>();

    private QuietLogs() {
    }

    public static synchronized void quiet(String... names) {
        for (String name : names) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.SEVERE);
            QUIETED.add(logger);
        }
    }
}
