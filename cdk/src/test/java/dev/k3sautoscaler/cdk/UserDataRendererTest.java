package dev.k3sautoscaler.cdk;

import dev.k3sautoscaler.cdk.UserDataRenderer.Role;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The render rule of cluster-bootstrap/placeholders.json, on the real templates. */
class UserDataRendererTest {
    private final UserDataRenderer renderer = new UserDataRenderer(Synth.REPOSITORY_ROOT.resolve("cluster-bootstrap"));

    @Test
    void worker_rendersWithItsThreePlaceholders_shebangFirst_underTheLimit() {
        // GIVEN
        Map<String, String> values = new LinkedHashMap<>();
        values.put("__K3S_VERSION__", "v1.33.2+k3s1");
        values.put("__JOIN_TOKEN_PARAM__", "/k3s-autoscaler/demo/join-token");
        values.put("__MASTER_ADDRESS_PARAM__", "/k3s-autoscaler/demo/master-address");

        // WHEN
        String script = renderer.render(Role.WORKER, values);

        // THEN
        assertEquals(List.of("__K3S_VERSION__", "__JOIN_TOKEN_PARAM__", "__MASTER_ADDRESS_PARAM__"),
                renderer.placeholders(Role.WORKER));
        assertTrue(script.startsWith("#!/bin/bash\n"));
        assertTrue(script.contains("/k3s-autoscaler/demo/master-address"));
        assertFalse(script.matches("(?s).*__(K3S_VERSION|JOIN_TOKEN_PARAM|MASTER_ADDRESS_PARAM)__.*"));
        assertTrue(script.getBytes(StandardCharsets.UTF_8).length < UserDataRenderer.MAX_USER_DATA_BYTES);
    }

    @Test
    void render_namesMissingAndUnknownPlaceholders() {
        // WHEN a worker is rendered with a master-only value and without two of its own
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> renderer.render(Role.WORKER,
                Map.of("__K3S_VERSION__", "v1.33.2+k3s1", "__API_SERVER_SAN__", "203.0.113.10")));

        // THEN
        assertTrue(e.getMessage().contains("__JOIN_TOKEN_PARAM__ has no value"), e.getMessage());
        assertTrue(e.getMessage().contains("__MASTER_ADDRESS_PARAM__ has no value"), e.getMessage());
        assertTrue(e.getMessage().contains("__API_SERVER_SAN__ is not a worker placeholder"), e.getMessage());
    }

    @Test
    void master_usesAllNinePlaceholders() {
        assertEquals(9, renderer.placeholders(Role.MASTER).size());
    }
}
