package io.sfcrime.bench;

import io.sfcrime.bench.ceiling.CallCounter;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.producer.Element;
import io.sfcrime.producer.ElementScanner;
import io.sfcrime.producer.RecordDecoder;
import io.sfcrime.spark.pipeline.CallScan;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A repeatable single-thread measurement (not a test) of the three readers of call records: the producer's
 * element scan and decode over a generated NDJSON file, the Spark job's scan UDF and the ceiling's counter over what
 * the calls topic would hold (the producer's values of the valid records). Rates are per second of this thread's
 * CPU time, so other load on a shared machine matters less; the first two passes warm the JIT and are not counted.
 * <pre>
 * mvn -q -o -pl bench test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp "bench/target/test-classes:bench/target/classes:$(cat bench/target/cp.txt)" \
 *     io.sfcrime.bench.ScanThroughput [records=200000] [passes=9] [radio codes=data/radio_code.json]
 * </pre>
 */
public final class ScanThroughput {
    private static final int CAP = 900 * 1024;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ScanThroughput() {
    }

    public static void main(String[] args) throws IOException {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        RadioCodes codes = RadioCodes.load(Path.of(args.length > 2 ? args[2] : "data/radio_code.json"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CallGenerator(CallGenerator.Options.defaults().withSeed(1).withCount(records)
                .withFormat(CallGenerator.Format.NDJSON).withOrder(CallGenerator.Order.SHUFFLED)
                .withInvalidFraction(0.02)).write(out);
        byte[] file = out.toByteArray();
        List<byte[]> values = new ArrayList<>();
        decodeAll(file, values);
        System.out.printf("input: %d records, %d bytes; %d valid values%n", records, file.length, values.size());
        double[] producer = new double[passes];
        double[] scan = new double[passes];
        double[] ceiling = new double[passes];
        long sink = 0;
        for (int p = 0; p < passes; p++) {
            long t = cpu();
            sink += decodeAll(file, null);
            producer[p] = records / ((cpu() - t) / 1e9);
            t = cpu();
            for (byte[] v : values) {
                sink += CallScan.scan(v).hashCode();
            }
            scan[p] = values.size() / ((cpu() - t) / 1e9);
            t = cpu();
            CallCounter counter = new CallCounter(Duration.ofHours(1), Duration.ofDays(1), codes);
            values.forEach(counter::accept);
            sink += counter.distinctKeys();
            ceiling[p] = values.size() / ((cpu() - t) / 1e9);
            System.out.printf("pass %d: producer decode %.0f records/s, spark scan %.0f rows/s, ceiling %.0f rows/s%n",
                    p, producer[p], scan[p], ceiling[p]);
        }
        // The checksum of every output: equal across versions means they computed the same things.
        System.out.printf("median of passes 3..%d: producer decode %.0f, spark scan %.0f, ceiling %.0f (checksum %d)%n",
                passes, median(producer), median(scan), median(ceiling), sink);
    }

    /** Scans and decodes the file as the producer does; keeps the valid values when asked. Returns a checksum. */
    private static long decodeAll(byte[] file, List<byte[]> valid) throws IOException {
        RecordDecoder decoder = new RecordDecoder(CAP);
        ElementScanner scanner = new ElementScanner(new ByteArrayInputStream(file), CAP);
        Element e = scanner.newElement();
        long sum = 0;
        while (scanner.next(e)) {
            Invalid why = decoder.decode(e, null);
            sum += why == null ? decoder.value().length : 1;
            if (why == null && valid != null) {
                valid.add(decoder.value());
            }
        }
        return sum;
    }

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static double median(double[] rates) {
        double[] counted = Arrays.copyOfRange(rates, Math.min(2, rates.length - 1), rates.length);
        Arrays.sort(counted);
        return counted[counted.length / 2];
    }
}
