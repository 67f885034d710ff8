package io.sfcrime.common;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags Spark 3.5 needs on Java 17, declared once: without the opens, Spark's off-heap and serialisation
 * code fails with {@code IllegalAccessError ... sun.nio.ch.DirectBuffer}. Every JVM that runs Spark gets them: the
 * launchers ({@code bin/lib.sh}), the images' entrypoint (driver and executors) and the tests (the root pom's
 * {@code argLine}); {@link GeneratedFiles} writes them into those three files.
 */
public final class SparkJavaFlags {
    /** Packages of {@code java.base} that Spark reaches into by reflection. */
    private static final List<String> OPENED = List.of("java.lang", "java.lang.invoke", "java.lang.reflect",
            "java.io", "java.net", "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic",
            "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar");

    /** The flags, in the order they are passed. */
    public static final List<String> FLAGS;

    static {
        List<String> flags = new ArrayList<>();
        OPENED.forEach(p -> flags.add("--add-opens=java.base/" + p + "=ALL-UNNAMED"));
        // Spark's own launcher (JavaModuleOptions) passes this beside its opens.
        flags.add("-Djdk.reflect.useDirectMethodHandle=false");
        FLAGS = List.copyOf(flags);
    }

    private SparkJavaFlags() {
    }
}
