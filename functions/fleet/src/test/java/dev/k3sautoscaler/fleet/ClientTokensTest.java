package dev.k3sautoscaler.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClientTokensTest {
    private static final Offering OFFERING = new Offering("t3.small", "eu-west-1a", "subnet-a", "on-demand");

    @Test
    void of_isTheSameForTheSameExecutionAndPlaceInThePlan() {
        assertEquals(ClientTokens.of("exec-1", 3, 0, 0, OFFERING, 2), ClientTokens.of("exec-1", 3, 0, 0, OFFERING, 2));
    }

    @Test
    void of_differsForAnotherExecution_call_offering_orCount() {
        String token = ClientTokens.of("exec-1", 3, 0, 0, OFFERING, 2);
        assertNotEquals(token, ClientTokens.of("exec-2", 3, 0, 0, OFFERING, 2));
        assertNotEquals(token, ClientTokens.of("exec-1", 3, 0, 1, OFFERING, 2));
        assertNotEquals(token, ClientTokens.of("exec-1", 3, 1, 0, OFFERING, 2));
        assertNotEquals(token, ClientTokens.of("exec-1", 3, 0, 0, new Offering("t3.small", "eu-west-1a", "subnet-a", "spot"), 2));
        assertNotEquals(token, ClientTokens.of("exec-1", 3, 0, 0, OFFERING, 1));
    }

    @Test
    void of_fitsEc2sLimitOf64AsciiCharacters_evenForTheLongestExecutionName() {
        // Step Functions execution names are up to 80 characters
        String token = ClientTokens.of("x".repeat(80), 100, 0, 99, OFFERING, 100);
        assertEquals(64, token.length());
        assertTrue(token.chars().allMatch(c -> c < 128));
    }
}
