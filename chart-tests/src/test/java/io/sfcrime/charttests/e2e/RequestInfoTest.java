package io.sfcrime.charttests.e2e;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RequestInfoTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "POST   | /api/v1/namespaces/ns/pods                                    | create           | core | pods             | ''",
            "GET    | /api/v1/namespaces/ns/pods/p1                                 | get              | core | pods             | p1",
            "GET    | /api/v1/namespaces/ns/pods?labelSelector=a%3Db                | list             | core | pods             | ''",
            "GET    | /api/v1/namespaces/ns/pods?watch=true&labelSelector=a%3Db     | watch            | core | pods             | ''",
            "GET    | /api/v1/namespaces/ns/configmaps?fieldSelector=metadata.name%3Dtuning&watch=true | watch | core | configmaps | tuning",
            "GET    | /api/v1/namespaces/ns/configmaps?fieldSelector=metadata.name%3D%3Dtuning | list | core | configmaps | tuning",
            "PUT    | /api/v1/namespaces/ns/pods/p1/status                          | update           | core | pods/status      | p1",
            "PATCH  | /api/v1/namespaces/ns/pods/p1                                 | patch            | core | pods             | p1",
            "DELETE | /api/v1/namespaces/ns/pods/p1                                 | delete           | core | pods             | p1",
            "DELETE | /api/v1/namespaces/ns/pods?labelSelector=spark-role%3Dexecutor | deletecollection | core | pods             | ''",
            "POST   | /apis/events.k8s.io/v1/namespaces/ns/events                   | create           | events.k8s.io | events  | ''",
            "GET    | /apis/apps/v1/namespaces/ns/deployments/d                     | get              | apps | deployments      | d",
    })
    void derivesWhatTheAuthorizerSees(String method, String target, String verb, String group, String resource, String name) {
        RequestInfo r = RequestInfo.parse(method, target);
        assertThat(r.resourceRequest()).isTrue();
        assertThat(r.verb()).isEqualTo(verb);
        assertThat(r.apiGroup()).isEqualTo(group.equals("core") ? "" : group);
        assertThat(r.namespace()).isEqualTo("ns");
        assertThat(r.rbacResource()).isEqualTo(resource);
        assertThat(r.name()).isEqualTo(name);
    }

    @ParameterizedTest
    @CsvSource({"GET, /version", "GET, /healthz", "GET, /openapi/v2"})
    void nonResourceRequestsAreNotResourceRequests(String method, String target) {
        assertThat(RequestInfo.parse(method, target).resourceRequest()).isFalse();
    }
}
