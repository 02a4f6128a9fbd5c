package dev.k3sautoscaler.workflow;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A history event's input or output as kept in memory: UTF-8, deflated. Each event repeats its
 * state's whole data, so a day of a large cluster's actuations is over half a gigabyte of JSON as
 * strings (twice that once a reason holds a character outside Latin-1); deflated it is a tenth.
 */
final class PackedText {
    private PackedText() {
    }

    /**
     * A text as written until {@link #packed()} deflates it: an execution still running, or one read
     * once and dropped, is not worth the deflating and inflating.
     */
    record Kept(String raw, byte[] deflated) {
        static Kept of(String text) {
            return text == null ? null : new Kept(text, null);
        }

        String text() {
            return raw != null ? raw : unpack(deflated);
        }

        Kept packed() {
            return raw == null ? this : new Kept(null, pack(raw));
        }
    }

    static byte[] pack(String text) {
        if (text == null) {
            return null;
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
            deflater.finish();
            ByteArrayOutputStream packed = new ByteArrayOutputStream(Math.max(64, text.length() / 4));
            byte[] chunk = new byte[8192];
            while (!deflater.finished()) {
                packed.write(chunk, 0, deflater.deflate(chunk));
            }
            return packed.toByteArray();
        } finally {
            deflater.end();
        }
    }

    static String unpack(byte[] packed) {
        if (packed == null) {
            return null;
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(packed);
            ByteArrayOutputStream text = new ByteArrayOutputStream(packed.length * 6);
            byte[] chunk = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && !inflater.finished() && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalStateException("a packed history text ended early");
                }
                text.write(chunk, 0, n);
            }
            return text.toString(StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new IllegalStateException("a packed history text is corrupt", e);
        } finally {
            inflater.end();
        }
    }
}
