package io.sfcrime.spark.retune.source;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * One version of the tuning as its source holds it: the flat raw map, the source's version (a ConfigMap's
 * resourceVersion, a file's content hash) and a digest of the content, which is what idempotency compares: a new
 * resourceVersion with the same data (a label edit, a resync) changes nothing.
 *
 * @param error non-null when the source itself could not be read (unparsable YAML, deleted ConfigMap)
 */
public record Observed(Map<String, Object> raw, String version, String digest, String error) {

    public static Observed of(Map<String, ?> raw, String version) {
        Map<String, Object> sorted = new TreeMap<>(raw);
        return new Observed(sorted, version, digest(sorted.toString()), null);
    }

    public static Observed failed(String version, String error) {
        return new Observed(Map.of(), version, digest("error:" + error), error);
    }

    static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
