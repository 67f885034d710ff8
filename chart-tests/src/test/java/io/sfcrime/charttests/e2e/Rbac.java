package io.sfcrime.charttests.e2e;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes' RBAC authorizer for namespaced Roles, over the Roles and RoleBindings the chart rendered: a request
 * is allowed when a rule of a Role bound to its user (or one of the user's groups) matches its API group, resource
 * (with subresource, {@code pods/status}), verb and, when the rule names objects, the object's name. Rules are
 * kept as atomic grants (one group, resource, verb, name each) so the grants a run never used can be listed.
 */
public final class Rbac {

    /** One (group, resource, verb, name) a rule allows; name "" means any object. */
    public record Grant(String role, String apiGroup, String resource, String verb, String resourceName) {
        @Override
        public String toString() {
            return verb + " " + (apiGroup.isEmpty() ? "core" : apiGroup) + " " + resource
                    + (resourceName.isEmpty() ? "" : " " + resourceName) + " (Role " + role + ")";
        }

        boolean matches(RequestInfo r) {
            return (apiGroup.equals("*") || apiGroup.equals(r.apiGroup()))
                    && resourceMatches(r)
                    && (verb.equals("*") || verb.equals(r.verb()))
                    && (resourceName.isEmpty() || resourceName.equals(r.name()));
        }

        private boolean resourceMatches(RequestInfo r) {
            return resource.equals("*") || resource.equals(r.rbacResource())
                    || (!r.subresource().isEmpty() && resource.equals("*/" + r.subresource()));
        }
    }

    private record Binding(String namespace, String role, List<Subject> subjects) {
    }

    private final List<Grant> grants = new ArrayList<>();
    private final List<Binding> bindings = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    public Rbac(List<Role> roles, List<RoleBinding> roleBindings) {
        for (Role role : roles) {
            for (PolicyRule rule : role.getRules()) {
                List<String> names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                        ? List.of("") : rule.getResourceNames();
                for (String group : rule.getApiGroups()) {
                    for (String resource : rule.getResources()) {
                        for (String verb : rule.getVerbs()) {
                            for (String name : names) {
                                grants.add(new Grant(role.getMetadata().getName(), group, resource, verb, name));
                            }
                        }
                    }
                }
            }
        }
        for (RoleBinding b : roleBindings) {
            if (!"Role".equals(b.getRoleRef().getKind())) {
                problems.add("RoleBinding " + b.getMetadata().getName() + " refers to a " + b.getRoleRef().getKind()
                        + ", which the rig does not model");
                continue;
            }
            bindings.add(new Binding(b.getMetadata().getNamespace(), b.getRoleRef().getName(), b.getSubjects()));
        }
    }

    /** The user name the API server gives a ServiceAccount's token. */
    public static String serviceAccountUser(String namespace, String name) {
        return "system:serviceaccount:" + namespace + ":" + name;
    }

    /** The first grant that allows the request for this user, if any. */
    public Optional<Grant> authorize(String user, RequestInfo request) {
        if (!request.resourceRequest() || request.namespace().isEmpty()) {
            return Optional.empty();
        }
        return grantsOf(user, request.namespace()).stream().filter(g -> g.matches(request)).findFirst();
    }

    /** Every grant the user holds in the namespace, through every binding. */
    public List<Grant> grantsOf(String user, String namespace) {
        Set<String> roles = new LinkedHashSet<>();
        for (Binding b : bindings) {
            if (b.namespace().equals(namespace) && b.subjects().stream().anyMatch(s -> bindsUser(s, user, namespace))) {
                roles.add(b.role());
            }
        }
        return grants.stream().filter(g -> roles.contains(g.role())).toList();
    }

    /** Bindings the rig could not evaluate (they would make its verdict incomplete). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    private static boolean bindsUser(Subject s, String user, String bindingNamespace) {
        return switch (s.getKind()) {
            case "ServiceAccount" -> user.equals(serviceAccountUser(
                    s.getNamespace() == null ? bindingNamespace : s.getNamespace(), s.getName()));
            case "User" -> user.equals(s.getName());
            case "Group" -> groupsOf(user).contains(s.getName());
            default -> false;
        };
    }

    private static Set<String> groupsOf(String user) {
        Set<String> groups = new LinkedHashSet<>(List.of("system:authenticated"));
        if (user.startsWith("system:serviceaccount:")) {
            String[] p = user.split(":");
            groups.add("system:serviceaccounts");
            groups.add("system:serviceaccounts:" + p[2]);
        }
        return groups;
    }
}
