package io.sfcrime.charttests.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rig's API server: HTTPS with its own CA, tokens, RBAC enforced and audited, pods' lifecycle as on a cluster. */
class MockApiTest {
    @TempDir
    static Path dir;
    static MockApi server;
    static KubernetesClient admin;
    static KubernetesClient driver;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var role = new RoleBuilder(RbacTest.ROLE).addNewRule().withApiGroups("").withResources("pods")
                .withVerbs("delete", "get").endRule().build();
        server = new MockApi(dir, "127.0.0.1", port, new Rbac(List.of(role), List.of(RbacTest.BINDING)));
        admin = server.adminClient("ns");
        driver = client(server.tokenFor(RbacTest.SA));
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        driver.close();
        server.close();
    }

    static KubernetesClient client(String token) {
        Config c = new ConfigBuilder(Config.empty()).withMasterUrl(server.url()).withCaCertFile(server.caCert().toString())
                .withOauthToken(token).withNamespace("ns").withRequestRetryBackoffLimit(0).build();
        return new KubernetesClientBuilder().withConfig(c).build();
    }

    static Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").addToLabels("role", "executor")
                .endMetadata().withNewSpec().withTerminationGracePeriodSeconds(7L).addNewContainer().withName("c")
                .withImage("i").endContainer().endSpec().build();
    }

    @Test
    void podsStartPendingAndADeleteIsGracefulUntilTheKubeletFinishesIt() {
        Pod created = driver.pods().resource(pod("p1")).create();
        assertThat(created.getStatus().getPhase()).isEqualTo("Pending");

        driver.pods().withName("p1").delete();
        Pod marked = admin.pods().withName("p1").get();
        assertThat(marked).as("still there until its containers stop").isNotNull();
        assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(marked.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(7L);

        admin.pods().withName("p1").withGracePeriod(0).delete();
        assertThat(admin.pods().withName("p1").get()).isNull();
    }

    @Test
    void aDeleteCollectionMarksEverySelectedPod() {
        driver.pods().resource(pod("c1")).create();
        driver.pods().resource(pod("c2")).create();
        driver.pods().withLabel("role", "executor").delete();
        assertThat(admin.pods().withLabel("role", "executor").list().getItems())
                .filteredOn(p -> p.getMetadata().getName().startsWith("c")).hasSize(2)
                .allSatisfy(p -> assertThat(p.getMetadata().getDeletionTimestamp()).isNotNull());
        admin.pods().withName("c1").withGracePeriod(0).delete();
        admin.pods().withName("c2").withGracePeriod(0).delete();
    }

    @Test
    void whatTheRoleDoesNotAllowIsForbiddenAndAudited() {
        assertThatThrownBy(() -> driver.configMaps().withName("other").get())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining("Forbidden");
        assertThat(server.audit()).anySatisfy(a -> {
            assertThat(a.user()).isEqualTo(RbacTest.SA);
            assertThat(a.denied()).isTrue();
            assertThat(a.info().describe()).isEqualTo("get core configmaps other");
        });
        try (KubernetesClient anonymous = client("no-such-token")) {
            assertThatThrownBy(() -> anonymous.pods().list()).isInstanceOf(KubernetesClientException.class);
        }
        assertThat(server.audit()).anyMatch(a -> a.code() == 401);
    }
}
