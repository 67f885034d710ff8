package io.sfcrime.charttests.e2e;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scheduler's hard constraints for the rig's one node: {@code nodeSelector}, required node affinity, required
 * pod affinity and anti-affinity (against the pods already bound to the node). Enough to show that a required
 * pod affinity selects the pod it means to, which a single node could otherwise never reveal.
 */
public final class Scheduler {

    private Scheduler() {
    }

    /** Why the pod cannot be bound to the node, or empty when it can. */
    public static Optional<String> unschedulable(Pod pod, Map<String, String> nodeLabels, List<Pod> bound) {
        var spec = pod.getSpec();
        if (spec.getNodeSelector() != null) {
            for (Map.Entry<String, String> e : spec.getNodeSelector().entrySet()) {
                if (!e.getValue().equals(nodeLabels.get(e.getKey()))) {
                    return Optional.of("node(s) didn't match Pod's node selector " + e.getKey() + "=" + e.getValue());
                }
            }
        }
        Affinity a = spec.getAffinity();
        if (a == null) {
            return Optional.empty();
        }
        if (a.getNodeAffinity() != null && a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
            List<NodeSelectorTerm> terms = a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                    .getNodeSelectorTerms();
            if (terms.stream().noneMatch(t -> nodeTermMatches(t, nodeLabels))) {
                return Optional.of("node(s) didn't match Pod's node affinity");
            }
        }
        String ns = pod.getMetadata().getNamespace();
        if (a.getPodAffinity() != null) {
            for (PodAffinityTerm t : orEmpty(a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())) {
                if (!nodeLabels.containsKey(t.getTopologyKey())) {
                    return Optional.of("node(s) have no label " + t.getTopologyKey() + " (pod affinity topologyKey)");
                }
                if (bound.stream().noneMatch(p -> termSelects(t, ns, p))) {
                    return Optional.of("node(s) didn't match pod affinity rules: no pod matches "
                            + describe(t.getLabelSelector()));
                }
            }
        }
        if (a.getPodAntiAffinity() != null) {
            for (PodAffinityTerm t : orEmpty(a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())) {
                if (nodeLabels.containsKey(t.getTopologyKey()) && bound.stream().anyMatch(p -> termSelects(t, ns, p))) {
                    return Optional.of("node(s) didn't match pod anti-affinity rules: " + describe(t.getLabelSelector()));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean termSelects(PodAffinityTerm t, String podNamespace, Pod other) {
        List<String> namespaces = t.getNamespaces() == null || t.getNamespaces().isEmpty()
                ? List.of(podNamespace) : t.getNamespaces();
        return namespaces.contains(other.getMetadata().getNamespace())
                && selects(t.getLabelSelector(), other.getMetadata().getLabels());
    }

    /** A Kubernetes label selector; a null selector selects nothing (as in affinity terms). */
    public static boolean selects(LabelSelector s, Map<String, String> labels) {
        if (s == null) {
            return false;
        }
        Map<String, String> l = labels == null ? Map.of() : labels;
        if (s.getMatchLabels() != null
                && s.getMatchLabels().entrySet().stream().anyMatch(e -> !e.getValue().equals(l.get(e.getKey())))) {
            return false;
        }
        for (LabelSelectorRequirement r : orEmpty(s.getMatchExpressions())) {
            if (!matches(r.getOperator(), l.get(r.getKey()), r.getValues())) {
                return false;
            }
        }
        return true;
    }

    private static boolean nodeTermMatches(NodeSelectorTerm t, Map<String, String> nodeLabels) {
        for (NodeSelectorRequirement r : orEmpty(t.getMatchExpressions())) {
            if (!matches(r.getOperator(), nodeLabels.get(r.getKey()), r.getValues())) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(String operator, String value, List<String> values) {
        return switch (operator) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> false;
        };
    }

    private static String describe(LabelSelector s) {
        return s == null ? "(no selector)" : String.valueOf(s.getMatchLabels())
                + (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty() ? "" : " " + s.getMatchExpressions());
    }

    private static <T> List<T> orEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }
}
