package io.sfcrime.bench.streams;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;

/**
 * A count and the input record that last changed it ({@link Source#encode}), so that each result row names the
 * record it was emitted for: the latency study matches an input record's append time with its result rows'.
 */
public record Tally(long count, long lastSource) {
    static final Tally ZERO = new Tally(0, -1);

    Tally plus(long source) {
        return new Tally(count + 1, source);
    }

    public static Serde<Tally> serde() {
        Serializer<Tally> ser = (topic, t) -> t == null ? null
                : ByteBuffer.allocate(16).putLong(t.count).putLong(t.lastSource).array();
        Deserializer<Tally> de = (topic, data) -> {
            if (data == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(data);
            return new Tally(b.getLong(), b.getLong());
        };
        return Serdes.serdeFrom(ser, de);
    }

    /** An input record's (partition, offset) in one long: 16 bits of partition, 48 of offset. */
    public static final class Source {
        private Source() {
        }

        public static long encode(int partition, long offset) {
            return ((long) partition << 48) | offset;
        }

        public static int partition(long source) {
            return (int) (source >>> 48);
        }

        public static long offset(long source) {
            return source & ((1L << 48) - 1);
        }
    }
}
