package dev.k3sautoscaler.cdk;

import dev.k3sautoscaler.contract.Step;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `cdk synth` offline: the app's main writes the cloud assembly to target/cdk.out (never committed). */
class SynthAppIT {

    @Test
    void main_writesTheStackTemplateAndAssets_offline() throws Exception {
        // GIVEN the built function jars (the reactor packages them first)
        Path out = Path.of(System.getProperty("k3sautoscaler.cdkOut"));

        // WHEN the app runs as `cdk synth` would run it, with the default context
        K3sAutoscalerApp.main(new String[0]);

        // THEN the template is there with the whole system, and every Lambda's jar is staged beside it
        Path template = out.resolve("K3sAutoscaler-demo.template.json");
        assertTrue(Files.isRegularFile(template), template + " written");
        JsonNode resources = new ObjectMapper().readTree(template.toFile()).get("Resources");
        assertEquals(Step.values().length + 1, count(resources, "AWS::Lambda::Function")
                - count(resources, "AWS::Lambda::Function", "Custom"), "one function per step, and the fast path's (on by default)");
        assertEquals(1, count(resources, "AWS::Lambda::Function", "StartTickOnAlert"));
        assertEquals(2, count(resources, "AWS::StepFunctions::StateMachine"));
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertTrue(manifest.get("artifacts").has("K3sAutoscaler-demo"), "stack artifact in the manifest");
        assertTrue(Files.isRegularFile(out.resolve("K3sAutoscaler-demo.assets.json")), "asset manifest for cdk deploy");
    }

    private static long count(JsonNode resources, String type) {
        return count(resources, type, "\u0000");
    }

    private static long count(JsonNode resources, String type, String idContains) {
        long n = 0;
        for (var entry : resources.properties()) {
            if (entry.getValue().get("Type").asText().equals(type)
                    && (idContains.equals("\u0000") || entry.getKey().contains(idContains))) {
                n++;
            }
        }
        return n;
    }
}
