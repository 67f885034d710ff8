package io.sfcrime.common.tuning;

import java.util.ArrayList;
import java.util.List;

/**
 * The shipped tuning file and the tuning reference, from the key declarations in {@link TuningKeys}, so the docs
 * cannot drift from the code. {@code make docs} writes them ({@code io.sfcrime.common.GeneratedFiles}) and
 * {@code GeneratedFilesTest} fails when the committed files are stale.
 */
public final class TuningDocs {
    public static final String TUNING_FILE = "conf/tuning.yaml";
    public static final String REFERENCE_FILE = "docs/tuning.md";

    private TuningDocs() {
    }

    /** The shipped tuning YAML: every declared key at its default, with its doc and how a change applies. */
    public static String tuningYaml() {
        StringBuilder out = new StringBuilder();
        out.append("# Tuning of the spark-app job: flat keys, Spark's own names for Spark settings.\n")
                .append("# Generated from io.sfcrime.common.tuning.TuningKeys by `make docs`; edit the declarations,\n")
                .append("# or copy this file and pass it with --tuning. Other spark.* keys pass through to Spark\n")
                .append("# (they apply with a driver restart) when Spark declares them; a key Spark does not declare\n")
                .append("# is rejected with the nearest one unless tuning.undeclaredSparkKeys lists it. One key per\n")
                .append("# line: a key given twice or a nested mapping is an error. Reference: docs/tuning.md\n");
        for (Setting s : TuningKeys.ALL) {
            out.append('\n');
            for (String line : wrap(s.doc(), 100)) {
                out.append("# ").append(line).append('\n');
            }
            out.append("# Type ").append(s.type().name().toLowerCase()).append(". On change: ")
                    .append(s.applyMode().description()).append(".\n");
            out.append(s.name()).append(": ").append(yamlScalar(s)).append('\n');
        }
        return out.toString();
    }

    /** The reference table for docs/tuning.md. */
    public static String referenceMarkdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Tuning reference\n\n")
                .append("Generated from `io.sfcrime.common.tuning.TuningKeys` by `make docs`; do not edit by hand.\n")
                .append("Keys are flat, the same in `conf/tuning.yaml`, the Helm value `tuning:` and the tuning ConfigMap.\n")
                .append("Any other `spark.*` key passes through to the SparkSession and applies with a driver restart, if\n")
                .append("Spark 3.5 declares it (its config registry, or a family it reads by prefix such as `spark.hadoop.`):\n")
                .append("a misspelt key is rejected with the nearest key Spark declares. To pass a key Spark does not\n")
                .append("declare on purpose (a plugin's setting), list it in `tuning.undeclaredSparkKeys`. Keys are\n")
                .append("one per line: a key given twice, or a nested mapping, is rejected with its file and line.\n\n")
                .append("| key | type | default | applies | description |\n")
                .append("|---|---|---|---|---|\n");
        for (Setting s : TuningKeys.ALL) {
            out.append("| `").append(s.name()).append("` | ").append(s.type().name().toLowerCase())
                    .append(" | `").append(s.defaultText()).append("` | ").append(s.applyMode().name())
                    .append(" | ").append(s.doc().replace("|", "\\|")).append(" |\n");
        }
        out.append("\nHow a change applies:\n\n");
        for (ApplyMode mode : ApplyMode.values()) {
            out.append("- `").append(mode.name()).append("`: ").append(mode.description()).append(".\n");
        }
        return out.toString();
    }

    /** A default as a YAML scalar: strings and durations quoted, so they stay strings. */
    static String yamlScalar(Setting s) {
        String text = s.defaultText();
        return s.type() == SettingType.STRING || s.type() == SettingType.DURATION ? "\"" + text + "\"" : text;
    }

    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
