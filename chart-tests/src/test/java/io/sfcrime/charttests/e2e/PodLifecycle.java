package io.sfcrime.charttests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import okhttp3.Headers;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * What a real API server does for pods and the CRUD mock does not, where Spark and the kubelet depend on it:
 * a created pod is stored with {@code status.phase: Pending} (Spark's watch reads the phase of every pod it sees);
 * a delete is graceful: the pod is marked with {@code deletionTimestamp} and its grace period (from the request,
 * else the pod's {@code terminationGracePeriodSeconds}, else 30 s) and stays until the kubelet, once its containers
 * have stopped, deletes it with a grace period of 0. The same for each pod a delete-collection selects. The mock
 * removes a marked object as soon as it has no finalizer, so a marked pod carries one of the rig's own
 * ({@value #KUBELET}) until that last delete takes it off.
 */
final class PodLifecycle {
    static final String KUBELET = "e2e.sfcrime.io/kubelet";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesCrudDispatcher store;

    PodLifecycle(KubernetesCrudDispatcher store) {
        this.store = store;
    }

    MockResponse dispatch(RecordedRequest request, RequestInfo info) throws InterruptedException {
        if (!info.resource().equals("pods") || !info.subresource().isEmpty()) {
            return store.dispatch(request);
        }
        if (info.verb().equals("create")) {
            return store.dispatch(defaultPending(request));
        }
        if (info.verb().equals("delete") || info.verb().equals("deletecollection")) {
            return delete(request, info, gracePeriod(request));
        }
        return store.dispatch(request);
    }

    private static RecordedRequest defaultPending(RecordedRequest request) {
        try {
            ObjectNode pod = (ObjectNode) JSON.readTree(request.getBody().clone().readUtf8());
            if (!pod.path("status").path("phase").isTextual()) {
                pod.putObject("status").put("phase", "Pending");
            }
            return rewrite(request.getRequestLine(), request.getHeaders(), pod);
        } catch (IOException | ClassCastException e) {
            return request;
        }
    }

    /** gracePeriodSeconds of the request's DeleteOptions (body or query), null when it sets none. */
    private static Long gracePeriod(RecordedRequest request) {
        try {
            String body = request.getBody().clone().readUtf8();
            JsonNode options = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
            if (options.path("gracePeriodSeconds").isNumber() && options.path("gracePeriodSeconds").asLong() >= 0) {
                return options.path("gracePeriodSeconds").asLong();
            }
        } catch (IOException e) {
            // no options: the pod's own grace period applies
        }
        String q = request.getPath().contains("gracePeriodSeconds=")
                ? request.getPath().replaceAll(".*gracePeriodSeconds=(\\d+).*", "$1") : null;
        return q != null && q.matches("\\d+") ? Long.valueOf(q) : null;
    }

    private MockResponse delete(RecordedRequest request, RequestInfo info, Long grace) throws InterruptedException {
        String path = request.getPath();
        String collection = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        List<String> names = new ArrayList<>();
        if (info.name().isEmpty()) {
            body(store.handleGet(path)).path("items").forEach(p -> names.add(p.path("metadata").path("name").asText()));
        } else {
            names.add(info.name());
            collection = collection.substring(0, collection.lastIndexOf('/'));
        }
        ArrayNode done = JSON.createArrayNode();
        for (String name : names) {
            MockResponse got = store.handleGet(collection + "/" + name);
            if (!got.getStatus().contains(" 200")) {
                if (!info.name().isEmpty()) {
                    return got;
                }
                continue;
            }
            ObjectNode pod = (ObjectNode) body(got);
            ObjectNode meta = (ObjectNode) pod.path("metadata");
            boolean marked = meta.path("deletionTimestamp").isTextual();
            if (grace != null && grace == 0) {
                // The kubelet's final delete: without the rig's finalizer the store removes the marked pod.
                if (!marked) {
                    meta.put("deletionTimestamp", now());
                }
                ArrayNode finalizers = meta.withArray("finalizers");
                for (int i = finalizers.size() - 1; i >= 0; i--) {
                    if (finalizers.get(i).asText().equals(KUBELET)) {
                        finalizers.remove(i);
                    }
                }
            } else if (!marked) {
                JsonNode own = pod.path("spec").path("terminationGracePeriodSeconds");
                meta.put("deletionTimestamp", now());
                meta.put("deletionGracePeriodSeconds", grace != null ? grace : own.isNumber() ? own.asLong() : 30);
                meta.withArray("finalizers").add(KUBELET);
            }
            store.handleUpdate(rewrite("PUT " + collection + "/" + name + " HTTP/1.1",
                    Headers.of("Content-Type", "application/json"), pod));
            done.add(pod);
        }
        JsonNode out = done.isEmpty() ? JSON.createObjectNode() : done.get(0);
        if (info.name().isEmpty()) {
            ObjectNode list = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "PodList");
            list.putObject("metadata");
            list.set("items", done);
            out = list;
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                .setBody(out.toString());
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static JsonNode body(MockResponse r) {
        try {
            return JSON.readTree(r.getBody() == null ? "{}" : r.getBody().clone().readUtf8());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of a request with a new body (the store reads path and body; the socket only gives it a URL). */
    private static RecordedRequest rewrite(String requestLine, Headers headers, JsonNode json) {
        Buffer body = new Buffer().writeUtf8(json.toString());
        try (Socket local = new Socket()) {
            local.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new RecordedRequest(requestLine, headers, List.of(), body.size(), body, 0, local);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
