package dev.k3sautoscaler.fleet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * RunInstances ClientTokens: the same execution asking the same thing in the same place of its plan
 * gets the same token, so EC2 answers a retried step with the instances it already started instead
 * of starting more. 64 hex characters of SHA-256 — exactly EC2's limit of 64 ASCII characters.
 */
final class ClientTokens {
    private ClientTokens() {
    }

    static String of(String execution, int requested, int alreadyLaunched, int callIndex, Offering offering, int count) {
        String material = String.join("|", execution, Integer.toString(requested), Integer.toString(alreadyLaunched),
                Integer.toString(callIndex), offering.instanceType(), offering.availabilityZone(), offering.subnetId(),
                offering.capacityType(), Integer.toString(count));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
