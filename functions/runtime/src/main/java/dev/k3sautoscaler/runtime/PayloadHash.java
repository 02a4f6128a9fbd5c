package dev.k3sautoscaler.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a value's canonical JSON (properties and map keys sorted, the step JSON conventions
 * otherwise), so equal payloads hash equally whatever order their maps were built in.
 */
public final class PayloadHash {
    /** The step mapping (ISO times, nulls left out) with properties and map keys sorted. */
    private static final ObjectMapper CANONICAL = ((JsonMapper) StepJson.MAPPER).rebuild()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private PayloadHash() {
    }

    public static String of(Object payload) {
        try {
            byte[] json = CANONICAL.writeValueAsBytes(payload);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload cannot be written as JSON: " + e.getOriginalMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
