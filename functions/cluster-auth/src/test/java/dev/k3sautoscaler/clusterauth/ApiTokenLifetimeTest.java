package dev.k3sautoscaler.clusterauth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The token's lifetime is set where it is issued (the master user data) and its cache here: a warm
 * Lambda must never hold a token past its expiry.
 */
class ApiTokenLifetimeTest {
    private static final Path MASTER_USER_DATA = Path.of("../../cluster-bootstrap/userdata/master.sh.tpl");

    @Test
    void tokenValidity_outlastsARotationIntervalPlusTheCache_evenWhenOneRotationFails() throws IOException {
        // GIVEN the durations the master issues and re-issues the token with
        String master = Files.readString(MASTER_USER_DATA);
        Duration validity = Duration.ofHours(hours(master, "API_TOKEN_VALIDITY_HOURS"));
        Duration rotation = Duration.ofHours(hours(master, "API_TOKEN_ROTATION_HOURS"));
        Duration cache = Duration.ofMinutes(ClusterCredentials.CACHE_MINUTES);

        // THEN the oldest token a Lambda can hold (issued one interval ago, then cached) is still valid,
        // and so it is when one timer run fails and the previous token serves a second interval
        assertTrue(rotation.plus(cache).compareTo(validity) < 0, validity + " <= " + rotation + " + " + cache);
        assertTrue(rotation.multipliedBy(2).plus(cache).compareTo(validity) < 0,
                validity + " <= 2 x " + rotation + " + " + cache);
    }

    private static long hours(String script, String name) {
        Matcher value = Pattern.compile("(?m)^readonly " + name + "=(\\d+)$").matcher(script);
        assertTrue(value.find(), MASTER_USER_DATA + " has no readonly " + name);
        return Long.parseLong(value.group(1));
    }
}
