package io.sfcrime.common.gen;

import io.sfcrime.common.CallFields;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic calls for service, shaped like the public dataset: the 14 string fields, Zipf-skewed
 * crime types, radio-code dispositions (and codes the table lacks), SF-like addresses and local timestamps.
 * <p>
 * Every record is a pure function of the options and its index, so a file of any size is written in constant
 * memory, and a test can ask {@link #invalidKindAt(long)} what the record at an index is without reading the file.
 * Records occupy "slots" 0..count-1 in event-time order (slot s has crime_id {@code firstId + s}); the order
 * option only decides which slot is written at which index. Invalid records are spread evenly: exactly
 * {@code floor(count * invalidFraction)} of them, their kinds taken in turn from {@link InvalidKind}.
 */
public final class CallGenerator {
    public static final LocalDateTime DEFAULT_START = LocalDateTime.of(2018, 12, 31, 16, 0);
    public static final Duration DEFAULT_SPAN = Duration.ofHours(8);
    public static final long DEFAULT_FIRST_ID = 180_000_000L;
    /** Zipf exponent of crime types: about a fifth of calls fall on the top type, as in the real sample. */
    static final double ZIPF_EXPONENT = 1.1;

    private static final DateTimeFormatter LOCAL_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS");
    private static final DateTimeFormatter HOUR_MINUTE = DateTimeFormatter.ofPattern("HH:mm");
    private static final InvalidKind[] KINDS = InvalidKind.values();
    private static final byte[] NOT_UTF8 = {(byte) 0xFF, (byte) 0xFE};

    /** Where records stand in the file relative to their event time. */
    public enum Order {
        /** Descending call_date_time, like the real sample. */
        NEWEST_FIRST,
        OLDEST_FIRST,
        /** A seed-dependent permutation of the slots that scatters event times across the file. */
        SHUFFLED;

        public static Order parse(String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        public String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public enum Format {
        /** A JSON array with 4-space indented objects, like the real file. */
        ARRAY,
        /** One compact object per line. */
        NDJSON;

        public static Format parse(String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** What to generate. Start from {@link #defaults()} and change what matters with the {@code with} methods. */
    public record Options(long seed, long count, Format format, Order order, LocalDateTime start, Duration span,
                          double invalidFraction, long firstId) {
        public Options {
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(order, "order");
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(span, "span");
            if (count < 0) {
                throw new IllegalArgumentException("count must be at least 0, got " + count);
            }
            if (span.toMinutes() < 1) {
                throw new IllegalArgumentException("span must be at least one minute, got " + span);
            }
            if (!(invalidFraction >= 0 && invalidFraction <= 1)) {
                throw new IllegalArgumentException("invalid fraction must be within [0, 1], got " + invalidFraction);
            }
            if (firstId < 0 || firstId > Long.MAX_VALUE - count) {
                throw new IllegalArgumentException("first id must be at least 0 and leave room for count ids");
            }
            if (order == Order.SHUFFLED && count > 3_000_000_000L) {
                throw new IllegalArgumentException("shuffled order supports at most 3,000,000,000 records");
            }
        }

        /** 1,000 valid records, newest first, over 2018-12-31 16:00 to 24:00, as a JSON array, seed 1. */
        public static Options defaults() {
            return new Options(1, 1_000, Format.ARRAY, Order.NEWEST_FIRST, DEFAULT_START, DEFAULT_SPAN, 0,
                    DEFAULT_FIRST_ID);
        }

        public Options withSeed(long v) {
            return new Options(v, count, format, order, start, span, invalidFraction, firstId);
        }

        public Options withCount(long v) {
            return new Options(seed, v, format, order, start, span, invalidFraction, firstId);
        }

        public Options withFormat(Format v) {
            return new Options(seed, count, v, order, start, span, invalidFraction, firstId);
        }

        public Options withOrder(Order v) {
            return new Options(seed, count, format, v, start, span, invalidFraction, firstId);
        }

        public Options withStart(LocalDateTime v) {
            return new Options(seed, count, format, order, v, span, invalidFraction, firstId);
        }

        public Options withSpan(Duration v) {
            return new Options(seed, count, format, order, start, v, invalidFraction, firstId);
        }

        /**
         * Event times over {@code n} whole clock hours forward from the start's hour (n distinct when count ≥ n; one
         * window fewer per spring-forward change). Readers judge hours past their clock implausible: start early.
         */
        public Options withWindows(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("windows must be at least 1, got " + n);
            }
            return new Options(seed, count, format, order, start.truncatedTo(ChronoUnit.HOURS), Duration.ofHours(n),
                    invalidFraction, firstId);
        }

        public Options withInvalidFraction(double v) {
            return new Options(seed, count, format, order, start, span, v, firstId);
        }

        public Options withFirstId(long v) {
            return new Options(seed, count, format, order, start, span, invalidFraction, v);
        }
    }

    /** What a write produced. */
    public record Summary(long records, long valid, long invalid, Map<InvalidKind, Long> invalidByKind, long bytes) {
    }

    private final Options options;
    private final long spanMinutes;
    private final double[] crimeTypeCdf;
    private final double[] dispositionCdf;
    private final double[] addressTypeCdf;
    private final double[] cityCdf;
    private final long shuffleMultiplier;
    private final long shuffleOffset;

    public CallGenerator(Options options) {
        this.options = Objects.requireNonNull(options);
        this.spanMinutes = options.span().toMinutes();
        double[] zipf = new double[Vocabulary.CRIME_TYPES.size()];
        for (int rank = 0; rank < zipf.length; rank++) {
            zipf[rank] = 1 / Math.pow(rank + 1, ZIPF_EXPONENT);
        }
        this.crimeTypeCdf = Sampling.cdf(zipf);
        this.dispositionCdf = Sampling.cdf(Vocabulary.DISPOSITION_WEIGHTS);
        this.addressTypeCdf = Sampling.cdf(Vocabulary.ADDRESS_TYPE_WEIGHTS);
        this.cityCdf = Sampling.cdf(Vocabulary.CITY_WEIGHTS);
        long n = Math.max(1, options.count());
        SplittableRandom shuffle = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        long a = n <= 2 ? 1 : n / 4 + shuffle.nextLong(Math.max(1, n / 2));
        while (Sampling.gcd(a, n) != 1) {
            a++;
        }
        this.shuffleMultiplier = a % n;
        this.shuffleOffset = shuffle.nextLong(n);
    }

    public Options options() {
        return options;
    }

    /** The slot (event-time rank, 0 = oldest) written at a file index. */
    public long slotAt(long index) {
        checkIndex(index);
        long n = options.count();
        return switch (options.order()) {
            case OLDEST_FIRST -> index;
            case NEWEST_FIRST -> n - 1 - index;
            case SHUFFLED -> Math.floorMod(Math.addExact(Sampling.mulMod(shuffleMultiplier, index, n), shuffleOffset), n);
        };
    }

    /** Null when the record at this index is valid, otherwise the kind of damage written there. */
    public InvalidKind invalidKindAt(long index) {
        checkIndex(index);
        double f = options.invalidFraction();
        long before = (long) Math.floor(index * f);
        long upTo = (long) Math.floor((index + 1) * f);
        return upTo > before ? KINDS[(int) (before % KINDS.length)] : null;
    }

    /** Null when valid, otherwise the {@link io.sfcrime.common.Invalid} code a reader must report. */
    public String expectedReasonAt(long index) {
        InvalidKind kind = invalidKindAt(index);
        return kind == null ? null : kind.code();
    }

    /** How many records are invalid in total: {@code floor(count * invalidFraction)}. */
    public long invalidCount() {
        return (long) Math.floor(options.count() * options.invalidFraction());
    }

    /** The 14 fields of the record at an index as they are before any damage (all strings, schema order). */
    public Map<String, String> fieldsAt(long index) {
        long slot = slotAt(index);
        SplittableRandom rnd = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + slot);
        LocalDateTime time = options.start().plusMinutes(slot * spanMinutes / Math.max(1, options.count()));
        String day = time.toLocalDate().atStartOfDay().format(LOCAL_MILLIS);
        String addressType = Sampling.pick(Vocabulary.ADDRESS_TYPES, addressTypeCdf, rnd);
        String address;
        String commonLocation = "";
        switch (addressType) {
            case "Intersection" -> {
                String a = Sampling.pick(Vocabulary.STREETS, rnd);
                String b = Sampling.pick(Vocabulary.STREETS, rnd);
                // The source capitalises only the first street of an intersection.
                address = a + "/" + Character.toLowerCase(b.charAt(0)) + b.substring(1);
            }
            case "Common Location" -> {
                String[] place = Vocabulary.COMMON_LOCATIONS.get(rnd.nextInt(Vocabulary.COMMON_LOCATIONS.size()));
                address = place[0];
                commonLocation = place[1];
            }
            case "Geo-Override" -> address = (1 + rnd.nextInt(30)) * 100 + " Blk " + Sampling.pick(Vocabulary.STREETS, rnd);
            default -> address = rnd.nextInt(40) * 100 + " Block Of " + Sampling.pick(Vocabulary.STREETS, rnd);
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put(CallFields.CRIME_ID, Long.toString(options.firstId() + slot));
        f.put(CallFields.ORIGINAL_CRIME_TYPE_NAME, Sampling.pick(Vocabulary.CRIME_TYPES, crimeTypeCdf, rnd));
        f.put(CallFields.REPORT_DATE, day);
        f.put(CallFields.CALL_DATE, day);
        f.put(CallFields.OFFENSE_DATE, day);
        f.put(CallFields.CALL_TIME, time.format(HOUR_MINUTE));
        f.put(CallFields.CALL_DATE_TIME, time.format(LOCAL_MILLIS));
        f.put(CallFields.DISPOSITION, Sampling.pick(Vocabulary.DISPOSITIONS, dispositionCdf, rnd));
        f.put(CallFields.ADDRESS, address);
        f.put(CallFields.CITY, Sampling.pick(Vocabulary.CITIES, cityCdf, rnd));
        f.put(CallFields.STATE, "CA");
        f.put(CallFields.AGENCY_ID, "1");
        f.put(CallFields.ADDRESS_TYPE, addressType);
        f.put(CallFields.COMMON_LOCATION, commonLocation);
        return f;
    }

    /** The bytes of the element at an index as written in the file (without separators or indentation prefix). */
    public byte[] recordBytes(long index) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(600);
        writeRecord(index, out);
        return out.toByteArray();
    }

    /** Writes the whole file to {@code out} (buffered here; not closed). */
    public Summary write(OutputStream target) throws IOException {
        CountingStream out = new CountingStream(new BufferedOutputStream(target, 1 << 16));
        boolean array = options.format() == Format.ARRAY;
        Map<InvalidKind, Long> byKind = new EnumMap<>(InvalidKind.class);
        ByteArrayOutputStream element = new ByteArrayOutputStream(1024);
        if (array) {
            out.write(JsonBytes.ascii("["));
        }
        for (long i = 0; i < options.count(); i++) {
            InvalidKind kind = invalidKindAt(i);
            if (kind != null) {
                byKind.merge(kind, 1L, Long::sum);
            }
            element.reset();
            writeRecord(i, element);
            if (array) {
                out.write(JsonBytes.ascii(i == 0 ? "\n    " : ",\n    "));
            }
            element.writeTo(out);
            if (!array) {
                out.write('\n');
            }
        }
        if (array) {
            out.write(JsonBytes.ascii("\n]\n"));
        }
        out.flush();
        long invalid = byKind.values().stream().mapToLong(Long::longValue).sum();
        return new Summary(options.count(), options.count() - invalid, invalid,
                Collections.unmodifiableMap(byKind), out.count());
    }

    public Summary write(Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            return write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The optional sidecar: one line per invalid record, {@code index TAB code TAB KIND}, in file order; every
     * index not listed is a valid record.
     */
    public void writeExpected(Writer out) throws IOException {
        out.write("# index\treason\tkind (records not listed are valid; count=" + options.count() + ")\n");
        for (long i = 0; i < options.count(); i++) {
            InvalidKind kind = invalidKindAt(i);
            if (kind != null) {
                out.write(i + "\t" + kind.code() + "\t" + kind.name() + "\n");
            }
        }
        out.flush();
    }

    private void writeRecord(long index, ByteArrayOutputStream out) {
        InvalidKind kind = invalidKindAt(index);
        if (kind == InvalidKind.NUMBER_ELEMENT) {
            out.writeBytes(JsonBytes.ascii(Long.toString(options.firstId() + slotAt(index))));
            return;
        }
        if (kind == InvalidKind.STRING_ELEMENT) {
            out.writeBytes(JsonBytes.ascii("\"record " + index + " lost in transit\""));
            return;
        }
        if (kind == InvalidKind.ARRAY_ELEMENT) {
            out.writeBytes(JsonBytes.ascii(options.format() == Format.ARRAY ? "[1, 2, 3]" : "[1,2,3]"));
            return;
        }
        Map<String, String> fields = fieldsAt(index);
        List<String> names = new ArrayList<>(fields.keySet());
        Map<String, byte[]> raw = new LinkedHashMap<>();
        for (String name : names) {
            raw.put(name, JsonBytes.quote(fields.get(name)));
        }
        String time = fields.get(CallFields.CALL_DATE_TIME);
        if (kind != null) {
            switch (kind) {
                case NUMBER_CRIME_ID -> raw.put(CallFields.CRIME_ID, JsonBytes.ascii(fields.get(CallFields.CRIME_ID)));
                case OBJECT_CALL_DATE_TIME -> raw.put(CallFields.CALL_DATE_TIME, JsonBytes.ascii(
                        "{\"date\": \"" + time.substring(0, 10) + "\", \"time\": \"" + time.substring(11, 16) + "\"}"));
                case MISSING_CRIME_ID -> raw.remove(CallFields.CRIME_ID);
                case MISSING_CALL_DATE_TIME -> raw.remove(CallFields.CALL_DATE_TIME);
                case MISSING_CRIME_TYPE -> raw.remove(CallFields.ORIGINAL_CRIME_TYPE_NAME);
                case EMPTY_CRIME_TYPE -> raw.put(CallFields.ORIGINAL_CRIME_TYPE_NAME, JsonBytes.quote(""));
                case UNPARSEABLE_DATE_TIME -> raw.put(CallFields.CALL_DATE_TIME, JsonBytes.quote(time.substring(5, 7) + "/"
                        + time.substring(8, 10) + "/" + time.substring(0, 4) + " " + time.substring(11, 16)));
                case IMPOSSIBLE_DATE_TIME -> raw.put(CallFields.CALL_DATE_TIME, JsonBytes.quote("2019-02-30T10:00:00"));
                case UTC_DATE_TIME -> raw.put(CallFields.CALL_DATE_TIME, JsonBytes.quote(time + "Z"));
                case OFFSET_DATE_TIME -> raw.put(CallFields.CALL_DATE_TIME, JsonBytes.quote(time + "+02:00"));
                case INVALID_UTF8 -> {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    b.writeBytes(JsonBytes.quote(fields.get(CallFields.ADDRESS)));
                    byte[] q = b.toByteArray();
                    ByteArrayOutputStream damaged = new ByteArrayOutputStream();
                    damaged.write(q, 0, q.length - 1);
                    damaged.writeBytes(NOT_UTF8);
                    damaged.write('"');
                    raw.put(CallFields.ADDRESS, damaged.toByteArray());
                }
                default -> {
                    // MISSING_COMMA is applied while the fields are joined below.
                }
            }
        }
        boolean pretty = options.format() == Format.ARRAY;
        out.writeBytes(JsonBytes.ascii(pretty ? "{\n" : "{"));
        int i = 0;
        for (Map.Entry<String, byte[]> e : raw.entrySet()) {
            if (i > 0) {
                boolean dropComma = kind == InvalidKind.MISSING_COMMA && i == 1;
                out.writeBytes(JsonBytes.ascii((dropComma ? "" : ",") + (pretty ? "\n" : "")));
            }
            out.writeBytes(JsonBytes.ascii(pretty ? "        " : ""));
            out.writeBytes(JsonBytes.quote(e.getKey()));
            out.writeBytes(JsonBytes.ascii(pretty ? ": " : ":"));
            out.writeBytes(e.getValue());
            i++;
        }
        out.writeBytes(JsonBytes.ascii(pretty ? "\n    }" : "}"));
    }

    private void checkIndex(long index) {
        if (index < 0 || index >= options.count()) {
            throw new IndexOutOfBoundsException("index " + index + " outside 0.." + (options.count() - 1));
        }
    }
}
