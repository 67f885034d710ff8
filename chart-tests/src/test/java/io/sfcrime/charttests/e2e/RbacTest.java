package io.sfcrime.charttests.e2e;

import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RbacTest {
    static final String SA = Rbac.serviceAccountUser("ns", "driver");

    static final Role ROLE = new RoleBuilder().withNewMetadata().withName("driver").withNamespace("ns").endMetadata()
            .addNewRule().withApiGroups("").withResources("pods").withVerbs("create", "list", "watch", "deletecollection").endRule()
            .addNewRule().withApiGroups("").withResources("configmaps").withResourceNames("tuning")
            .withVerbs("get", "list", "watch").endRule()
            .addNewRule().withApiGroups("").withResources("*/status").withVerbs("get").endRule()
            .build();
    static final RoleBinding BINDING = new RoleBindingBuilder().withNewMetadata().withName("driver").withNamespace("ns")
            .endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("driver")
            .endRoleRef().addNewSubject().withKind("ServiceAccount").withName("driver").withNamespace("ns").endSubject()
            .build();

    final Rbac rbac = new Rbac(List.of(ROLE), List.of(BINDING));

    @Test
    void rulesMatchGroupResourceVerbAndName() {
        assertThat(allowed("POST", "/api/v1/namespaces/ns/pods")).isTrue();
        assertThat(allowed("DELETE", "/api/v1/namespaces/ns/pods?labelSelector=a%3Db")).isTrue();
        assertThat(allowed("DELETE", "/api/v1/namespaces/ns/pods/p1")).as("delete is not deletecollection").isFalse();
        assertThat(allowed("GET", "/api/v1/namespaces/ns/configmaps?fieldSelector=metadata.name%3Dtuning&watch=true"))
                .as("a watch pinned to the named object").isTrue();
        assertThat(allowed("GET", "/api/v1/namespaces/ns/configmaps?watch=true")).as("a watch of all").isFalse();
        assertThat(allowed("GET", "/api/v1/namespaces/ns/configmaps/other")).isFalse();
        assertThat(allowed("GET", "/api/v1/namespaces/ns/pods/p1/status")).as("*/status").isTrue();
        assertThat(allowed("GET", "/api/v1/namespaces/other/pods")).as("another namespace").isFalse();
        assertThat(allowed("POST", "/apis/events.k8s.io/v1/namespaces/ns/events")).isFalse();
        assertThat(rbac.authorize(Rbac.serviceAccountUser("ns", "executor"),
                RequestInfo.parse("POST", "/api/v1/namespaces/ns/pods"))).as("an unbound account").isEmpty();
    }

    @Test
    void grantsAreAtomsOfTheRules() {
        assertThat(rbac.grantsOf(SA, "ns")).hasSize(4 + 3 + 1)
                .contains(new Rbac.Grant("driver", "", "configmaps", "watch", "tuning"));
        assertThat(rbac.authorize(SA, RequestInfo.parse("GET", "/api/v1/namespaces/ns/configmaps/tuning")))
                .contains(new Rbac.Grant("driver", "", "configmaps", "get", "tuning"));
    }

    /** Requests a real driver sends (seen in make e2e) against the chart's rendered Role: all allowed. */
    @Test
    void theChartsRoleAllowsWhatTheDriverSends() {
        Release r = Release.render(Path.of(System.getProperty("project.root", "..")).resolve("helm/sf-crime-streaming")
                .toAbsolutePath().normalize(), "sfcs", "ns", List.of());
        Rbac chart = new Rbac(r.roles(), r.roleBindings());
        String driver = Rbac.serviceAccountUser("ns", "sfcs-sf-crime-streaming-driver");
        for (String[] req : new String[][] {
                {"POST", "/api/v1/namespaces/ns/pods"},
                {"GET", "/api/v1/namespaces/ns/pods/sfcs-sf-crime-streaming-driver-x"},
                {"GET", "/api/v1/namespaces/ns/pods?labelSelector=spark-app-selector%3Dx,spark-role%3Dexecutor"},
                {"GET", "/api/v1/namespaces/ns/pods?watch=true&labelSelector=spark-role%3Dexecutor"},
                {"DELETE", "/api/v1/namespaces/ns/pods?labelSelector=spark-app-selector%3Dx,spark-role%3Dexecutor"},
                {"DELETE", "/api/v1/namespaces/ns/pods/sfcs-sf-crime-streaming-exec-1"},
                {"GET", "/api/v1/namespaces/ns/configmaps/sfcs-sf-crime-streaming-tuning"},
                {"GET", "/api/v1/namespaces/ns/configmaps?fieldSelector=metadata.name%3Dsfcs-sf-crime-streaming-tuning&watch=true"},
                {"POST", "/api/v1/namespaces/ns/configmaps"},
                {"PUT", "/api/v1/namespaces/ns/configmaps/sfcs-tuning-status"},
                {"POST", "/api/v1/namespaces/ns/events"}}) {
            assertThat(chart.authorize(driver, RequestInfo.parse(req[0], req[1]))).as("%s %s", req[0], req[1]).isPresent();
        }
        // What Spark would send with its defaults (executor ConfigMap, driver Services): the Role refuses.
        assertThat(chart.authorize(driver, RequestInfo.parse("DELETE", "/api/v1/namespaces/ns/configmaps?labelSelector=x")))
                .isEmpty();
        assertThat(chart.authorize(driver, RequestInfo.parse("DELETE", "/api/v1/namespaces/ns/services?labelSelector=x")))
                .isEmpty();
        assertThat(chart.authorize(driver, RequestInfo.parse("PUT", "/api/v1/namespaces/ns/configmaps/sfcs-sf-crime-streaming-tuning")))
                .as("the tuning ConfigMap is read-only to the driver").isEmpty();
    }

    private boolean allowed(String method, String target) {
        return rbac.authorize(SA, RequestInfo.parse(method, target)).isPresent();
    }
}
