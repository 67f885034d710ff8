package io.sfcrime.bench.streams;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The key of one count: its level ({@link #BY_TYPE}, {@link #BY_DISPOSITION}, or {@link #INVALID} with the
 * reason code in {@code name}), the window start (epoch ms; 0 for invalid) and the crime type (or reason) and
 * disposition. Serialized as bytes, not text, so that any crime type, and a null apart from an empty disposition,
 * round-trip exactly.
 */
public record CountKey(byte level, long windowStart, String name, String disposition) {
    public static final byte BY_TYPE = 'T';
    public static final byte BY_DISPOSITION = 'D';
    public static final byte INVALID = 'I';

    public static Serde<CountKey> serde() {
        return Serdes.serdeFrom(new Ser(), new De());
    }

    static final class Ser implements Serializer<CountKey> {
        @Override
        public byte[] serialize(String topic, CountKey k) {
            if (k == null) {
                return null;
            }
            byte[] name = k.name.getBytes(StandardCharsets.UTF_8);
            byte[] disp = k.disposition == null ? null : k.disposition.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + name.length + 4 + (disp == null ? 0 : disp.length));
            b.put(k.level).putLong(k.windowStart).putInt(name.length).put(name);
            b.putInt(disp == null ? -1 : disp.length);
            if (disp != null) {
                b.put(disp);
            }
            return b.array();
        }
    }

    static final class De implements Deserializer<CountKey> {
        @Override
        public CountKey deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(data);
            byte level = b.get();
            long start = b.getLong();
            String name = text(b, b.getInt());
            int dl = b.getInt();
            return new CountKey(level, start, name, dl < 0 ? null : text(b, dl));
        }

        private static String text(ByteBuffer b, int length) {
            String s = new String(b.array(), b.position(), length, StandardCharsets.UTF_8);
            b.position(b.position() + length);
            return s;
        }
    }
}
