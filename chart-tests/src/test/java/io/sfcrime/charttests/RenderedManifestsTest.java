package io.sfcrime.charttests;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * k8s/rendered holds the chart rendered with default values, one file per template, hooks included (the producer
 * Job, the helm test pod), so reviewers see what a change does to the manifests. Fails when stale; `make manifests` (-Dmanifests.update=true) rewrites them.
 */
class RenderedManifestsTest {
    private static final Path DIR = Chart.ROOT.resolve("k8s/rendered");
    private static final Pattern SOURCE = Pattern.compile("^# Source: sf-crime-streaming/templates/(\\S+)$", Pattern.MULTILINE);

    @Test
    void renderedManifestsMatchTheChart() throws IOException {
        Map<String, String> expected = split(Chart.templateWithHooks(java.util.List.of(), Map.of()));
        if (Boolean.getBoolean("manifests.update")) {
            Files.createDirectories(DIR);
            try (Stream<Path> old = Files.list(DIR)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
            for (Map.Entry<String, String> e : expected.entrySet()) {
                Files.writeString(DIR.resolve(e.getKey()), e.getValue());
            }
        }
        Map<String, String> actual = new LinkedHashMap<>();
        if (Files.isDirectory(DIR)) {
            try (Stream<Path> files = Files.list(DIR)) {
                for (Path p : files.sorted().toList()) {
                    actual.put(p.getFileName().toString(), Files.readString(p));
                }
            }
        }
        assertThat(actual.keySet()).as("files in k8s/rendered (run `make manifests`)")
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((file, text) -> assertThat(actual.get(file))
                .as("k8s/rendered/%s is stale: run `make manifests`", file).isEqualTo(text));
    }

    /** One file per template, documents in render order, with a header saying where they come from. */
    static Map<String, String> split(String rendered) {
        Map<String, StringBuilder> out = new LinkedHashMap<>();
        for (String doc : rendered.split("(?m)^---\\s*$")) {
            Matcher m = SOURCE.matcher(doc);
            if (!m.find()) {
                continue;
            }
            String file = m.group(1).replace('/', '-');
            out.computeIfAbsent(file, f -> new StringBuilder(
                    "# Rendered from helm/sf-crime-streaming with default values by `make manifests`. Do not edit.\n"))
                    .append("---\n").append(doc.strip()).append('\n');
        }
        Map<String, String> result = new LinkedHashMap<>();
        out.forEach((k, v) -> result.put(k, v.toString()));
        return result;
    }
}
