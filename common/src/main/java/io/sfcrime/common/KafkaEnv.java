package io.sfcrime.common;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Kafka client security settings from {@code KAFKA_*} environment variables, as plain strings so that every client
 * factory (producer, consumer, spark-app's driver clients and Spark's Kafka source and sinks) applies the same ones.
 * The Helm chart sets these from Secrets when {@code kafka.auth.enabled}: {@code KAFKA_SECURITY_PROTOCOL},
 * {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG}, {@code KAFKA_SSL_TRUSTSTORE_TYPE},
 * {@code KAFKA_SSL_TRUSTSTORE_CERTIFICATES}.
 * <p>
 * The variable name is the property name upper-cased with dots as underscores. Only the properties listed in
 * {@link #PROPERTIES} are read: other {@code KAFKA_*} variables ({@code KAFKA_HEAP_OPTS}, {@code KAFKA_OPTS} of
 * Kafka's own scripts, {@code KAFKA_BOOTSTRAP_SERVERS}, which {@code --bootstrap} carries) are not client settings,
 * and picking them up by prefix would feed nonsense to the clients.
 */
public final class KafkaEnv {
    public static final String ENV_PREFIX = "KAFKA_";
    /** The client properties that may come from the environment: transport security and authentication only. */
    public static final List<String> PROPERTIES = List.of(
            "security.protocol",
            "sasl.mechanism",
            "sasl.jaas.config",
            "ssl.truststore.type",
            "ssl.truststore.certificates",
            "ssl.truststore.location",
            "ssl.truststore.password",
            "ssl.endpoint.identification.algorithm");
    static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    /** Values never printed: the JAAS line holds the SCRAM password. */
    private static final Set<String> SECRET = Set.of("sasl.jaas.config", "ssl.truststore.password");

    private KafkaEnv() {
    }

    /** {@code sasl.jaas.config} → {@code KAFKA_SASL_JAAS_CONFIG}. */
    public static String envName(String property) {
        return ENV_PREFIX + property.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** The client properties set in this process's environment (empty when none: plaintext, as locally). */
    public static Map<String, String> clientProperties() {
        return clientProperties(System.getenv());
    }

    /**
     * The client properties set in {@code env}, in {@link #PROPERTIES} order; blank values count as unset.
     *
     * @throws IllegalArgumentException naming the variable when the combination cannot work (an unknown protocol,
     *                                  SASL settings without a SASL protocol)
     */
    public static Map<String, String> clientProperties(Map<String, String> env) {
        Map<String, String> props = new LinkedHashMap<>();
        for (String property : PROPERTIES) {
            String value = env.get(envName(property));
            if (value != null && !value.isBlank()) {
                props.put(property, value.strip());
            }
        }
        String protocol = props.get("security.protocol");
        if (protocol != null) {
            String upper = protocol.toUpperCase(Locale.ROOT);
            if (!PROTOCOLS.contains(upper)) {
                throw new IllegalArgumentException(envName("security.protocol") + "='" + protocol
                        + "' is not one of " + PROTOCOLS.stream().sorted().toList());
            }
            props.put("security.protocol", upper);
        }
        boolean sasl = props.containsKey("sasl.mechanism") || props.containsKey("sasl.jaas.config");
        if (sasl && (protocol == null || !protocol.toUpperCase(Locale.ROOT).startsWith("SASL_"))) {
            throw new IllegalArgumentException(envName("sasl.jaas.config") + "/" + envName("sasl.mechanism")
                    + " are set but " + envName("security.protocol") + " is "
                    + (protocol == null ? "unset" : "'" + protocol + "'")
                    + ": set it to SASL_SSL (or SASL_PLAINTEXT) or the credentials would never be sent");
        }
        return Collections.unmodifiableMap(props);
    }

    /** The same properties prefixed {@code kafka.}, as Spark's Kafka source and sink take client settings. */
    public static Map<String, String> sparkOptions(Map<String, String> clientProperties) {
        Map<String, String> options = new LinkedHashMap<>();
        clientProperties.forEach((k, v) -> options.put("kafka." + k, v));
        return Collections.unmodifiableMap(options);
    }

    /** For logs: the property names with secrets hidden, e.g. {@code security.protocol=SASL_SSL, sasl.jaas.config=***}. */
    public static String describe(Map<String, String> clientProperties) {
        if (clientProperties.isEmpty()) {
            return "plaintext (no KAFKA_* security variables)";
        }
        StringBuilder sb = new StringBuilder();
        clientProperties.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            String shown = SECRET.contains(k) ? "***" : k.equals("ssl.truststore.certificates") ? "(PEM, "
                    + v.length() + " chars)" : v;
            sb.append(k).append('=').append(shown);
        });
        return sb.toString();
    }
}
