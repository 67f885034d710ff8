package io.sfcrime.charttests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the Jib image tars (docker-archive format) that `make images-offline` writes to MODULE/target/jib-image.tar:
 * the config says non-root user, our entrypoint, the main class and labels, and the layers hold an executable
 * entrypoint and the passwd entry of that user. Without the tars the test is skipped with the reason, unless
 * -Dimages.required=true (make images-test) makes their absence a failure.
 */
class ImageTarIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource({"producer,io.sfcrime.producer.ProducerCli", "consumer,io.sfcrime.consumer.ConsumerCli",
            "spark-app,io.sfcrime.spark.app.SparkApp"})
    void imageIsNonRootWithOurEntrypointAndLabels(String module, String mainClass) throws IOException {
        Path tar = Chart.ROOT.resolve(module).resolve("target/jib-image.tar");
        if (!Files.isRegularFile(tar)) {
            assertThat(Boolean.getBoolean("images.required")).as("%s is missing (make images-offline)", tar).isFalse();
            Assumptions.abort(tar + " not built; run make images-offline (or -Dimages.required=true to insist)");
        }
        // One pass over the tar (hundreds of MB): keep the JSON files, read each layer as it streams by.
        Map<String, byte[]> top = new HashMap<>();
        Map<String, Integer> modes = new HashMap<>();
        StringBuilder passwd = new StringBuilder();
        readTar(Files.newInputStream(tar), (name, body) -> {
            if (name.endsWith(".json")) {
                top.put(name, body.get());
            } else if (name.endsWith(".tar.gz")) {
                try {
                    readTar(new GZIPInputStream(new ByteArrayInputStream(body.get())), (file, content) -> {
                        if (file.equals("etc/passwd")) {
                            passwd.append(new String(content.get(), StandardCharsets.UTF_8)).append('\n');
                        }
                    }, List.of(modes));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read layer " + name + " of " + tar, e);
                }
            }
        }, List.of());
        JsonNode manifest = JSON.readTree(top.get("manifest.json")).get(0);
        assertThat(manifest.get("RepoTags").get(0).asText()).endsWith("/" + module + ":" + projectVersion());
        JsonNode config = JSON.readTree(top.get(manifest.get("Config").asText())).get("config");

        String user = config.path("User").asText();
        assertThat(user).as("image user").isNotBlank().doesNotStartWith("0").isNotEqualTo("root").isEqualTo("185:185");
        assertThat(config.get("Entrypoint").toString()).as("entrypoint").isEqualTo("[\"/opt/sfcrime/entrypoint.sh\"]");
        assertThat(config.get("Env").toString()).contains("APP_MAIN_CLASS=" + mainClass);
        assertThat(config.get("Labels").path("org.opencontainers.image.title").asText()).isEqualTo(module);
        assertThat(config.get("Labels").path("org.opencontainers.image.version").asText()).isEqualTo(projectVersion());
        assertThat(config.get("Labels").path("io.sfcrime.main-class").asText()).isEqualTo(mainClass);

        // The layers: the entrypoint is executable with the Java 17 argument file beside it, uid 185 has a passwd
        // entry (Hadoop's login needs one), the sample data is baked in, and a shell exists for the entrypoint.
        assertThat(manifest.get("Layers")).hasSizeGreaterThan(1);
        assertThat(modes.get("opt/sfcrime/entrypoint.sh")).as("entrypoint mode").isNotNull()
                .satisfies(m -> assertThat(m & 0111).as("executable bits").isEqualTo(0111));
        assertThat(modes).containsKey("opt/sfcrime/spark-java17.args");
        assertThat(modes).containsKey("opt/sfcrime/data/radio_code.json");
        assertThat(modes).as("a shell for the entrypoint").containsAnyOf(Map.entry("usr/bin/bash", 0755),
                Map.entry("bin/bash", 0755));
        assertThat(passwd.toString()).contains(":185:185:");
        if (module.equals("spark-app")) {
            assertThat(modes.keySet()).anyMatch(n -> n.matches("app/libs/spark-kubernetes_2\\.12-.*\\.jar"));
        }
    }

    private static String projectVersion() {
        try {
            String pom = Files.readString(Chart.ROOT.resolve("pom.xml"));
            int i = pom.indexOf("<version>") + "<version>".length();
            return pom.substring(i, pom.indexOf("</version>", i));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    interface Body {
        byte[] get();
    }

    /** A minimal ustar/GNU reader: enough for image tars (regular files, dirs, links, long names). */
    private static void readTar(InputStream raw, BiConsumer<String, Body> onFile, List<Map<String, Integer>> modes)
            throws IOException {
        try (InputStream in = raw) {
            byte[] header = new byte[512];
            String longName = null;
            while (in.readNBytes(header, 0, 512) == 512) {
                if (header[0] == 0) {
                    break;
                }
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                if (longName != null) {
                    name = longName;
                    longName = null;
                }
                int mode = (int) octal(header, 100, 8) & 07777;
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                byte[] body = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                name = name.startsWith("./") ? name.substring(2) : name;
                if (type == 'L') {
                    longName = new String(body, StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                if (type == 'x' || type == 'g') {
                    // PAX records "LEN key=value\n": a path record names the next entry.
                    for (String rec : new String(body, StandardCharsets.UTF_8).split("\n")) {
                        int sp = rec.indexOf(' ');
                        if (type == 'x' && sp > 0 && rec.startsWith("path=", sp + 1)) {
                            longName = rec.substring(sp + 1 + "path=".length());
                        }
                    }
                    continue;
                }
                for (Map<String, Integer> m : modes) {
                    m.put(name, mode);
                }
                if (type == '0' || type == 0) {
                    onFile.accept(name, () -> body);
                }
            }
        }
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int off, int len) {
        String s = field(h, off, len).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }
}
