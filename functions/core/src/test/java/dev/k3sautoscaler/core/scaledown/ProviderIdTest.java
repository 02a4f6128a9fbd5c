package dev.k3sautoscaler.core.scaledown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ProviderIdTest {
    @Test
    void instanceId_readsTheLastSegment_ofAnAwsProviderId() {
        // GIVEN the providerID the worker bootstrap sets / WHEN parsed / THEN the instance id comes back
        assertEquals("i-0abc123", ProviderId.instanceId("aws:///eu-west-1a/i-0abc123"));
        assertEquals("i-0abc123", ProviderId.instanceId(ProviderId.of("eu-west-1a", "i-0abc123")));
    }

    @Test
    void instanceId_isNull_forOtherOrMissingProviderIds() {
        // GIVEN values K3s sets without a cloud provider, or none / WHEN parsed / THEN no instance id
        assertNull(ProviderId.instanceId(null));
        assertNull(ProviderId.instanceId("k3s://worker-1"));
        assertNull(ProviderId.instanceId("aws:///eu-west-1a/"));
    }
}
