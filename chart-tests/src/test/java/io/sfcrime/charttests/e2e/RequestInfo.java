package io.sfcrime.charttests.e2e;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the Kubernetes API server's authorizer sees of one request, derived from method, path and query the way
 * the apiserver's request-info factory does: {@code /api/v1/namespaces/NS/pods/NAME/status} is (group "", resource
 * pods, subresource status, name NAME); GET without a name is {@code list}, with {@code watch=true} {@code watch};
 * DELETE without a name {@code deletecollection}; a list or watch whose field selector pins {@code metadata.name}
 * carries that name, which is what lets a Role limit an informer to one object.
 */
public record RequestInfo(boolean resourceRequest, String verb, String apiGroup, String namespace, String resource,
                          String subresource, String name, String path) {

    public static RequestInfo parse(String method, String target) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        Map<String, String> query = query(q < 0 ? "" : target.substring(q + 1));
        List<String> parts = new ArrayList<>(Arrays.asList(path.replaceAll("^/+|/+$", "").split("/")));
        String group;
        if (parts.size() >= 2 && parts.get(0).equals("api")) {
            group = "";
            parts = parts.subList(2, parts.size());
        } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            parts = parts.subList(3, parts.size());
        } else {
            return new RequestInfo(false, method.toLowerCase(), "", "", "", "", "", path);
        }
        String namespace = "";
        if (parts.size() > 2 && parts.get(0).equals("namespaces")) {
            namespace = parts.get(1);
            parts = parts.subList(2, parts.size());
        }
        String resource = parts.isEmpty() ? "" : parts.get(0);
        String name = parts.size() > 1 ? parts.get(1) : "";
        String subresource = parts.size() > 2 ? parts.get(2) : "";
        if (parts.size() == 2 && resource.equals("namespaces")) {
            // GET /api/v1/namespaces/NS is the namespace object itself.
            namespace = name;
        }
        boolean watch = "true".equals(query.get("watch")) || "1".equals(query.get("watch"));
        String verb = switch (method.toUpperCase()) {
            case "POST" -> "create";
            case "GET", "HEAD" -> name.isEmpty() ? (watch ? "watch" : "list") : (watch ? "watch" : "get");
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
            default -> method.toLowerCase();
        };
        if (name.isEmpty() && (verb.equals("list") || verb.equals("watch"))) {
            name = pinnedName(query.getOrDefault("fieldSelector", ""));
        }
        return new RequestInfo(true, verb, group, namespace, resource, subresource, name, path);
    }

    /** The resource as RBAC rules name it: {@code pods} or {@code pods/status}. */
    public String rbacResource() {
        return subresource.isEmpty() ? resource : resource + "/" + subresource;
    }

    /** (verb, group, resource[/subresource], name) as the audit lists it. */
    public String describe() {
        return verb + " " + (apiGroup.isEmpty() ? "core" : apiGroup) + " " + rbacResource()
                + (name.isEmpty() ? "" : " " + name);
    }

    private static String pinnedName(String fieldSelector) {
        for (String term : fieldSelector.split(",")) {
            String t = term.trim();
            for (String op : new String[] {"==", "="}) {
                if (t.startsWith("metadata.name" + op)) {
                    return t.substring(("metadata.name" + op).length());
                }
            }
        }
        return "";
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }
}
