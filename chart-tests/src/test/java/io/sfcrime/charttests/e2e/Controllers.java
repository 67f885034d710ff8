package io.sfcrime.charttests.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The controllers the rig stands in for, one pod at a time: a Deployment's ReplicaSet creating its pod from the
 * template (named {@code <deployment>-<template hash>-<suffix>}, labelled with the hash) and a Job creating its
 * pod ({@code <job>-<suffix>}, labelled job-name). They create API objects only; the pod runner runs them.
 */
public final class Controllers {
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KubernetesClient api;
    private final String namespace;

    public Controllers(KubernetesClient api, String namespace) {
        this.api = api;
        this.namespace = namespace;
    }

    /** The Deployment's ReplicaSet and its one pod, as the deployment controller rolls out replicas: 1. */
    public Pod rollOut(Deployment d) {
        Deployment stored = api.apps().deployments().inNamespace(namespace).withName(d.getMetadata().getName()).get();
        String hash = Integer.toHexString(d.getSpec().getTemplate().hashCode()).replaceAll("[^0-9a-f]", "");
        hash = hash.substring(0, Math.min(10, hash.length()));
        String rsName = d.getMetadata().getName() + "-" + hash;
        Map<String, String> labels = new LinkedHashMap<>(d.getSpec().getTemplate().getMetadata().getLabels());
        labels.put("pod-template-hash", hash);
        ReplicaSet rs = api.apps().replicaSets().inNamespace(namespace).resource(new ReplicaSetBuilder()
                .withNewMetadata().withName(rsName).withNamespace(namespace).withLabels(labels)
                .withOwnerReferences(owner(stored, "apps/v1", "Deployment")).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(labels).endSelector()
                .withTemplate(d.getSpec().getTemplate()).endSpec().build()).create();
        return create(d.getSpec().getTemplate(), rsName + "-" + suffix(), labels, owner(rs, "apps/v1", "ReplicaSet"));
    }

    /** Scales the Deployment to zero replicas, so nothing replaces a pod the rig deletes. */
    public void scaleToZero(Deployment d) {
        api.apps().deployments().inNamespace(namespace).withName(d.getMetadata().getName()).edit(x -> {
            x.getSpec().setReplicas(0);
            return x;
        });
    }

    /** The Job's pod. */
    public Pod start(Job j) {
        return start(j, UnaryOperator.identity());
    }

    /** A pod of the Job with its template's spec edited (another producer rate, say), named like the Job's pods. */
    public Pod start(Job j, UnaryOperator<PodSpec> edit) {
        Job stored = api.batch().v1().jobs().inNamespace(namespace).withName(j.getMetadata().getName()).get();
        Map<String, String> labels = new LinkedHashMap<>(j.getSpec().getTemplate().getMetadata().getLabels());
        labels.put("job-name", j.getMetadata().getName());
        labels.put("controller-uid", stored.getMetadata().getUid());
        PodTemplateSpec t = new PodTemplateSpecBuilder(j.getSpec().getTemplate()).build();
        t.setSpec(edit.apply(t.getSpec()));
        return create(t, j.getMetadata().getName() + "-" + suffix(), labels, owner(stored, "batch/v1", "Job"));
    }

    private Pod create(PodTemplateSpec t, String name, Map<String, String> labels,
                       OwnerReference owner) {
        return api.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).withLabels(labels).withAnnotations(t.getMetadata().getAnnotations())
                .withOwnerReferences(owner).endMetadata().withSpec(t.getSpec()).build()).create();
    }

    private static OwnerReference owner(HasMetadata o, String apiVersion, String kind) {
        return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(o.getMetadata().getName())
                .withUid(o.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build();
    }

    private static String suffix() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
