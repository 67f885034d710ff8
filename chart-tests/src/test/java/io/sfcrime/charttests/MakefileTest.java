package io.sfcrime.charttests;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes verbs of the Makefile, read with `make -n` (prints the commands, runs none): the order and the
 * arguments a user with kind, helm and kubectl gets. What the commands then do on a cluster is in helm/README.md.
 */
class MakefileTest {

    static String dryRun(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("make", "--no-print-directory", "-n", "-C", Chart.ROOT.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void undeployDeletesTheTopicsAndWaitsBeforeItUninstalls() throws Exception {
        String out = dryRun("undeploy");
        int topics = out.indexOf("delete kafkatopic -l app.kubernetes.io/instance=sfcs");
        int uninstall = out.indexOf("helm uninstall sfcs");
        assertThat(topics).as(out).isNotNegative();
        assertThat(uninstall).as(out).isGreaterThan(topics);
        assertThat(out.substring(topics, out.indexOf('\n', topics))).contains("--wait");
        // Hooks (the producer Job, the test pod) are no release resources: deleted by label afterwards.
        assertThat(out.substring(uninstall)).contains("delete job,pod -l 'app.kubernetes.io/instance=sfcs,"
                + "app.kubernetes.io/component in (producer,test)'");
    }

    @Test
    void theStrimziOperatorRunsInItsOwnNamespaceWatchingTheReleaseNamespace() throws Exception {
        String out = dryRun("strimzi-install");
        assertThat(out).contains("sed 's/namespace: .*/namespace: strimzi/' | kubectl apply -n strimzi -f -")
                .contains("kubectl -n strimzi set env deployment/strimzi-cluster-operator STRIMZI_NAMESPACE=sf-crime")
                .contains("kubectl -n sf-crime create rolebinding")
                .contains("--serviceaccount=strimzi:strimzi-cluster-operator")
                .contains("strimzi-cluster-operator-watched", "strimzi-cluster-operator-namespaced",
                        "strimzi-entity-operator")
                .doesNotContain("kubectl apply -n sf-crime -f -")
                .doesNotContain("-n sf-crime rollout status");
    }

    @Test
    void deployWaitsForKafkaAndItsTopicsToBeReadyAndSaysSo() throws Exception {
        String out = dryRun("deploy", "KIND=true", "KUBECTL=kubectl");
        int helm = out.indexOf("helm upgrade --install sfcs");
        assertThat(helm).as(out).isNotNegative();
        String after = out.substring(helm);
        assertThat(after).contains("wait kafka -l app.kubernetes.io/instance=sfcs --for=condition=Ready")
                .contains("wait kafkatopic -l app.kubernetes.io/instance=sfcs --for=condition=Ready")
                .contains("echo \"waiting up to");
    }

    /** --reuse-values renders with the first chart version's defaults (pkg/action/upgrade.go reuseValues). */
    @Test
    void retuneKeepsTheUsersValuesOverTheChartsCurrentDefaults() throws Exception {
        assertThat(dryRun("retune")).contains("helm upgrade sfcs helm/sf-crime-streaming --namespace sf-crime "
                + "--reset-then-reuse-values").doesNotContain("--reuse-values");
    }

    @Test
    void imagesHonourImagePrefixAndTag() throws Exception {
        for (String target : List.of("images", "images-offline")) {
            String out = dryRun(target, "IMAGE_PREFIX=registry.example/team", "IMAGE_TAG=1.2.3",
                    "BASE_IMAGE_TAR=pom.xml");
            assertThat(out).as(target).contains("-Djib.image.prefix=registry.example/team -Djib.image.tag=1.2.3");
        }
    }
}
