package io.sfcrime.common;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.metrics.JobMetrics;
import io.sfcrime.common.metrics.MetricsDocs;
import io.sfcrime.common.tuning.ChartTuning;
import io.sfcrime.common.tuning.TuningDocs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Every file, or marked region of a file, written from a declaration in code: the tuning file and reference, the
 * metrics reference (from {@code JobMetrics}), the chart's tuning defaults and their schema (from {@code TuningKeys}), and the Java 17 flags (from
 * {@link SparkJavaFlags}) as the argument file of the launchers and the image entrypoint and in the tests' argLine. {@code make docs} runs {@link #main} to rewrite them;
 * {@code GeneratedFilesTest} fails when a committed one is stale. A region sits between a line holding
 * {@value #BEGIN} and one holding {@value #END}; everything outside it is left as written by hand.
 */
public final class GeneratedFiles {
    public static final String BEGIN = "BEGIN GENERATED";
    public static final String END = "END GENERATED";
    private static final String CHART_SCHEMA = "helm/sf-crime-streaming/values.schema.json";
    private static final String PODMONITORS = "helm/sf-crime-streaming/templates/metrics-podmonitors.yaml";

    /** A file (by its path from the project root) and how its generated part follows from its current text. */
    public record Generated(String path, UnaryOperator<String> update) {
    }

    public static final List<Generated> ALL = List.of(
            new Generated(TuningDocs.TUNING_FILE, current -> TuningDocs.tuningYaml()),
            new Generated(TuningDocs.REFERENCE_FILE, current -> TuningDocs.referenceMarkdown()),
            new Generated(MetricsDocs.FILE, current -> MetricsDocs.markdown()),
            new Generated(PODMONITORS, current -> region(PODMONITORS, current, "        # ", "",
                    "io.sfcrime.common.metrics.JobMetrics", JobMetrics.operatorYaml(8))),
            shellRegion("helm/sf-crime-streaming/values.yaml", "io.sfcrime.common.tuning.TuningKeys",
                    ChartTuning.valuesLines()),
            new Generated(CHART_SCHEMA, GeneratedFiles::chartSchema),
            new Generated(SparkJavaFlags.ARGUMENT_FILE, current -> SparkJavaFlags.argumentFile()),
            new Generated("pom.xml", current -> region("pom.xml", current, "    <!-- ", " -->",
                    "io.sfcrime.common.SparkJavaFlags", List.of("    <spark.java17.flags>"
                            + String.join(" ", SparkJavaFlags.FLAGS) + "</spark.java17.flags>"))));

    private GeneratedFiles() {
    }

    /** Rewrites every generated file under the project root given as the only argument (default: here). */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        for (Generated g : ALL) {
            Path file = root.resolve(g.path());
            String current = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            String updated = g.update().apply(current);
            if (!updated.equals(current)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, updated, StandardCharsets.UTF_8);
                System.out.println("wrote " + file);
            } else {
                System.out.println("up to date: " + file);
            }
        }
    }

    /**
     * {@code text} with the lines between its marker lines replaced by {@code body}, the markers rewritten as
     * {@code open + BEGIN ... + close} and {@code open + END + close}. Fails, naming the file, unless there is
     * exactly one region.
     */
    static String region(String file, String text, String open, String close, String source, List<String> body) {
        List<String> lines = List.of(text.split("\n", -1));
        int begin = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(BEGIN)) {
                if (begin >= 0) {
                    throw new IllegalStateException(file + " has two lines with '" + BEGIN + "'; keep one region");
                }
                begin = i;
            } else if (lines.get(i).contains(END) && begin >= 0 && end < 0) {
                end = i;
            }
        }
        if (begin < 0 || end < 0) {
            throw new IllegalStateException(file + " has no generated region: add a line with '" + BEGIN
                    + "' and, after it, one with '" + END + "' where the generated lines belong");
        }
        List<String> out = new ArrayList<>(lines.subList(0, begin));
        out.add(open + BEGIN + " by `make docs` from " + source + ": edit that, not these lines" + close);
        out.addAll(body);
        out.add(open + END + close);
        out.addAll(lines.subList(end + 1, lines.size()));
        return String.join("\n", out);
    }

    /** A region of a file whose comments start with {@code #} (shell, YAML), inside a two-space indented block. */
    private static Generated shellRegion(String path, String source, List<String> body) {
        return new Generated(path, current -> region(path, current, "  # ", "", source, body));
    }

    /** The schema with its {@code tuning} property replaced; the rest keeps its bytes (same layout as written). */
    private static String chartSchema(String current) {
        try {
            ObjectNode schema = (ObjectNode) Json.MAPPER.readTree(current);
            ObjectNode properties = (ObjectNode) schema.get("properties");
            if (properties == null || !properties.has("tuning")) {
                throw new IllegalStateException(CHART_SCHEMA + " has no properties.tuning to generate");
            }
            properties.set("tuning", ChartTuning.schema());
            return Json.MAPPER.writer(new SchemaLayout()).writeValueAsString(schema) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CHART_SCHEMA + ": " + e.getMessage(), e);
        }
    }

    /** The layout of the chart's schema: two-space indents, arrays one item a line, {@code "key": value}. */
    private static final class SchemaLayout extends DefaultPrettyPrinter {
        SchemaLayout() {
            _objectIndenter = new DefaultIndenter("  ", "\n");
            _arrayIndenter = new DefaultIndenter("  ", "\n");
        }

        SchemaLayout(SchemaLayout base) {
            super(base);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new SchemaLayout(this);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }
    }
}
