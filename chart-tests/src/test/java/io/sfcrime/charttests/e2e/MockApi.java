package io.sfcrime.charttests.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The API server of the rig: fabric8's mock server in CRUD mode (objects are stored, listed, watched, updated and
 * deleted), served over HTTPS with a certificate for the names the pods use ({@code kubernetes.default.svc} and
 * 127.0.0.1), with a real API server's pod lifecycle ({@link PodLifecycle}), in front of which sit what a real API
 * server adds: bearer-token authentication (one token per
 * ServiceAccount the rig mounts into pods, and the rig's own admin token), RBAC authorization of every request
 * against the rendered Roles (a denied request gets 403 Forbidden, as on a cluster), and an audit log of each
 * request with its user, attributes and response code.
 */
public final class MockApi implements AutoCloseable {
    public static final String ADMIN = "e2e:rig-admin";
    private static final String STORE_PASSWORD = "e2e-rig";
    /** okhttp's mock server logs every request at INFO; the audit keeps them, the console needs none. */
    private static final Logger WEB_LOG = Logger.getLogger(MockWebServer.class.getName());

    static {
        WEB_LOG.setLevel(Level.WARNING);
    }

    /** One request as the audit log keeps it; {@code grant} is the rule that allowed it (null: admin or denied). */
    public record Audit(Instant at, String user, String method, String target, RequestInfo info, int code,
                        Rbac.Grant grant) {
        public boolean denied() {
            return code == 403 && !user.equals(ADMIN);
        }
    }

    private final String host;
    private final int port;
    private final Path caCert;
    private final Rbac rbac;
    private final MockWebServer web = new MockWebServer();
    private final PodLifecycle pods = new PodLifecycle(new KubernetesCrudDispatcher(List.of()));
    private final Map<String, String> users = new ConcurrentHashMap<>();
    private final List<Audit> audit = new ArrayList<>();
    private final String adminToken = token();

    /** Generates the serving certificate in {@code dir} (keytool from the running JDK) and starts serving. */
    public MockApi(Path dir, String host, int port, Rbac rbac) throws Exception {
        this.host = host;
        this.port = port;
        this.rbac = rbac;
        Files.createDirectories(dir);
        Path keystore = dir.resolve("api.p12");
        caCert = dir.resolve("ca.crt");
        Files.deleteIfExists(keystore);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Commands.run(List.of(keytool.toString(), "-genkeypair", "-alias", "api", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-dname", "CN=kube-apiserver", "-ext",
                "san=ip:127.0.0.1,dns:localhost,dns:kubernetes,dns:kubernetes.default,dns:kubernetes.default.svc,"
                        + "dns:kubernetes.default.svc.cluster.local",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD), 60);
        Commands.run(List.of(keytool.toString(), "-exportcert", "-rfc", "-alias", "api", "-keystore",
                keystore.toString(), "-storepass", STORE_PASSWORD, "-file", caCert.toString()), 60);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, STORE_PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        users.put(adminToken, ADMIN);
        web.useHttps(tls.getSocketFactory(), false);
        web.setDispatcher(new Gate());
        web.start(InetAddress.getByName(host), port);
    }

    /** The CA certificate (PEM) clients trust: what a pod finds in its ServiceAccount's {@code ca.crt}. */
    public Path caCert() {
        return caCert;
    }

    public String url() {
        return "https://" + host + ":" + port;
    }

    /** A bearer token that authenticates as this user (a ServiceAccount's, for the token file of its pods). */
    public String tokenFor(String user) {
        for (Map.Entry<String, String> e : users.entrySet()) {
            if (e.getValue().equals(user)) {
                return e.getKey();
            }
        }
        String token = token();
        users.put(token, user);
        return token;
    }

    /** A client with the rig's admin identity (the user, the controllers and the kubelet of this rig). */
    public KubernetesClient adminClient(String namespace) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url()).withCaCertFile(caCert.toString())
                .withOauthToken(adminToken).withNamespace(namespace).withRequestTimeout(30_000)
                .withConnectionTimeout(10_000).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    public Rbac rbac() {
        return rbac;
    }

    /** Every request so far, in arrival order. */
    public synchronized List<Audit> audit() {
        return List.copyOf(audit);
    }

    @Override
    public void close() throws IOException {
        web.shutdown();
    }

    private synchronized void record(Audit a) {
        audit.add(a);
    }

    private static String token() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Authentication, authorization and audit in front of the CRUD store. */
    private final class Gate extends Dispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            RequestInfo info = RequestInfo.parse(request.getMethod(), request.getPath());
            String header = Optional.ofNullable(request.getHeader("Authorization")).orElse("");
            String user = header.startsWith("Bearer ") ? users.get(header.substring(7).trim()) : null;
            if (user == null) {
                record(new Audit(Instant.now(), "system:anonymous", request.getMethod(), request.getPath(), info, 401,
                        null));
                return status(401, "Unauthorized", "Unauthorized");
            }
            Rbac.Grant grant = null;
            if (!user.equals(ADMIN)) {
                Optional<Rbac.Grant> allowed = rbac.authorize(user, info);
                if (allowed.isEmpty()) {
                    record(new Audit(Instant.now(), user, request.getMethod(), request.getPath(), info, 403, null));
                    return status(403, "Forbidden", info.resource() + (info.name().isEmpty() ? "" : " \""
                            + info.name() + "\"") + " is forbidden: User \"" + user + "\" cannot " + info.verb()
                            + " resource \"" + info.rbacResource() + "\" in API group \"" + info.apiGroup()
                            + "\" in the namespace \"" + info.namespace() + "\"");
                }
                grant = allowed.get();
            }
            MockResponse response = pods.dispatch(request, info);
            record(new Audit(Instant.now(), user, request.getMethod(), request.getPath(), info, code(response), grant));
            return response;
        }

        private static int code(MockResponse response) {
            String[] parts = response.getStatus().split(" ");
            try {
                return Integer.parseInt(parts[1]);
            } catch (RuntimeException e) {
                return -1;
            }
        }

        private static MockResponse status(int code, String reason, String message) {
            String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                    + "\"message\":" + quote(message) + ",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
            return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
        }

        private static String quote(String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }
}
