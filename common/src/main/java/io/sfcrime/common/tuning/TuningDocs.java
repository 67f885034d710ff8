package io.sfcrime.common.tuning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the shipped tuning file and the tuning reference from the key declarations in {@link TuningKeys}, so the
 * docs cannot drift from the code. {@code TuningDocsTest} fails when the committed files are stale;
 * {@code make docs} rewrites them.
 */
public final class TuningDocs {
    public static final String TUNING_FILE = "conf/tuning.yaml";
    public static final String REFERENCE_FILE = "docs/tuning.md";

    private TuningDocs() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        write(root.resolve(TUNING_FILE), tuningYaml());
        write(root.resolve(REFERENCE_FILE), referenceMarkdown());
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        System.out.println("wrote " + file);
    }

    /** The shipped tuning YAML: every declared key at its default, with its doc and how a change applies. */
    public static String tuningYaml() {
        StringBuilder out = new StringBuilder();
        out.append("# Tuning of the spark-app job: flat keys, Spark's own names for Spark settings.\n")
                .append("# Generated from io.sfcrime.common.tuning.TuningKeys by `make docs`; edit the declarations,\n")
                .append("# or copy this file and pass it with --tuning. Other spark.* keys pass through to Spark\n")
                .append("# (they apply with a driver restart). Reference: docs/tuning.md\n");
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
                .append("Any other `spark.*` key passes through to the SparkSession and applies with a driver restart.\n\n")
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

    private static String yamlScalar(Setting s) {
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
