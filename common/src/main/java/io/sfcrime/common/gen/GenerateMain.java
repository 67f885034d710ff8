package io.sfcrime.common.gen;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * {@code bin/generate}: writes a synthetic calls-for-service file. Flags are parsed by hand because common
 * depends on Jackson only.
 */
public final class GenerateMain {
    static final String USAGE = """
            Usage: generate [--count N] [--seed N] [--format array|ndjson] [--out FILE]
                            [--order newest-first|oldest-first|shuffled] [--start yyyy-MM-ddTHH:mm[:ss]]
                            [--span-hours H | --windows N] [--invalid-fraction F] [--first-id N]
                            [--expected FILE]
            Writes synthetic SF police calls for service, deterministic for a given seed.
              --count N              records to write (default 1000)
              --seed N               random seed (default 1); same options and seed give the same bytes
              --format F             array: JSON array with 4-space indented objects, like the real file
                                     (default); ndjson: one object per line
              --out FILE             output file (default: stdout)
              --order O              newest-first (default, like the real sample), oldest-first or shuffled
              --start T              earliest call_date_time, San Francisco local time (default 2018-12-31T16:00)
              --span-hours H         event times spread over H hours from the start (default 8)
              --windows N            event times over N whole clock hours: about N distinct hourly windows
              --invalid-fraction F   share of invalid records mixed in, 0..1 (default 0), e.g. 0.02
              --first-id N           crime_id of the oldest record (default 180000000)
              --expected FILE        also write the expected reasons: index TAB reason TAB kind per invalid record
              --help                 this text
            Example: generate --count 100000 --invalid-fraction 0.02 --seed 7 --out /tmp/calls.json
            """;

    private GenerateMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Exit code: 0 done, 2 bad usage, 1 I/O failure. */
    static int run(String[] args) {
        CallGenerator.Options options = CallGenerator.Options.defaults();
        Path out = null;
        Path expected = null;
        Integer windows = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    System.out.print(USAGE);
                    return 0;
                }
                String value;
                int eq = flag.indexOf('=');
                if (flag.startsWith("--") && eq > 0) {
                    value = flag.substring(eq + 1);
                    flag = flag.substring(0, eq);
                } else {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(flag + " needs a value");
                    }
                    value = args[++i];
                }
                switch (flag) {
                    case "--count" -> options = options.withCount(parseLong(flag, value));
                    case "--seed" -> options = options.withSeed(parseLong(flag, value));
                    case "--format" -> options = options.withFormat(parseEnum(flag, value, CallGenerator.Format::parse));
                    case "--order" -> options = options.withOrder(parseEnum(flag, value, CallGenerator.Order::parse));
                    case "--out" -> out = Path.of(value);
                    case "--expected" -> expected = Path.of(value);
                    case "--start" -> options = options.withStart(parseTime(value));
                    case "--span-hours" -> options = options.withSpan(
                            Duration.ofMinutes(Math.round(parseDouble(flag, value) * 60)));
                    case "--windows" -> windows = (int) parseLong(flag, value);
                    case "--invalid-fraction" -> options = options.withInvalidFraction(parseDouble(flag, value));
                    case "--first-id" -> options = options.withFirstId(parseLong(flag, value));
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (windows != null) {
                options = options.withWindows(windows);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("generate: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }

        CallGenerator generator = new CallGenerator(options);
        try {
            CallGenerator.Summary summary;
            if (out == null) {
                OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
                summary = generator.write(stdout);
                stdout.flush();
            } else {
                summary = generator.write(out);
            }
            if (expected != null) {
                try (Writer w = Files.newBufferedWriter(expected, StandardCharsets.UTF_8)) {
                    generator.writeExpected(w);
                }
            }
            System.err.printf(Locale.ROOT, "generate: %d records (%d valid, %d invalid), %d bytes%s%n",
                    summary.records(), summary.valid(), summary.invalid(), summary.bytes(),
                    out == null ? "" : " to " + out);
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("generate: " + e.getMessage());
            return 1;
        }
    }

    private static long parseLong(String flag, String value) {
        try {
            return Long.parseLong(value.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " expects a whole number, got '" + value + "'");
        }
    }

    private static double parseDouble(String flag, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " expects a number, got '" + value + "'");
        }
    }

    private static <T> T parseEnum(String flag, String value, java.util.function.Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": unknown value '" + value + "'");
        }
    }

    private static LocalDateTime parseTime(String value) {
        try {
            return LocalDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--start expects yyyy-MM-ddTHH:mm[:ss], got '" + value + "'");
        }
    }
}
