# sf-crime-streaming — the verbs users type. `make help` lists them.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

MVN ?= mvn -B
BOOTSTRAP ?= 127.0.0.1:9092
KAFKA_PORT ?= 9092
TOPIC ?= calls
RESULTS_TOPIC ?= results
DLQ_TOPIC ?= calls.dlq
INPUT ?= data/police-department-calls-for-service.json
RADIO_CODES ?= data/radio_code.json
TUNING ?= conf/tuning.yaml
RUN_DIR ?= run
STATUS_FILE ?= $(RUN_DIR)/status.json
RATE ?= 500
# Extra Maven arguments for `make test`, e.g. TEST_ARGS=-Dreal.data.required=true (what CI passes).
TEST_ARGS ?=

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make \033[36m<target>\033[0m [VAR=value]\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Build and test

.PHONY: build
build: ## Compile and package every module (no tests).
	$(MVN) -q -DskipTests install

.PHONY: test
test: ## Unit and integration tests (a real Kafka broker and local Spark; no cluster needed).
	$(MVN) verify $(TEST_ARGS)

.PHONY: producer-memory-check
producer-memory-check: ## Replay a generated input of over 500 MB through the producer under -Xmx64m (constant memory).
	producer/memory-check.sh

.PHONY: clean
clean: ## Remove build output and local run state.
	$(MVN) -q clean
	rm -rf $(RUN_DIR)

##@ Local pipeline

.PHONY: run
run: ## The whole pipeline on an embedded Kafka: producer → Kafka → Spark → results; Ctrl-C stops all.
	RUN_DIR=$(RUN_DIR) KAFKA_PORT=$(KAFKA_PORT) INPUT=$(INPUT) RADIO_CODES=$(RADIO_CODES) TUNING=$(TUNING) \
	  RATE=$(RATE) scripts/run-local.sh

.PHONY: kafka
kafka: ## Start kafka-local in the foreground on KAFKA_PORT (data in RUN_DIR/kafka-data).
	bin/kafka-local --port $(KAFKA_PORT) --data-dir $(RUN_DIR)/kafka-data

.PHONY: produce
produce: ## Replay INPUT into TOPIC (invalid records go to DLQ_TOPIC) at RATE records/s.
	bin/producer --bootstrap $(BOOTSTRAP) --topic $(TOPIC) --dead-letter-topic $(DLQ_TOPIC) --input $(INPUT) --rate $(RATE)

.PHONY: consume
consume: ## Show TOPIC from the beginning as a live table (TOPIC=results or calls.dlq work too).
	bin/consumer --bootstrap $(BOOTSTRAP) --topic $(TOPIC) --from-beginning --format table

.PHONY: spark
spark: ## Run spark-app alone against BOOTSTRAP (continuous, UI on 4040).
	bin/spark-app --bootstrap $(BOOTSTRAP) --topic $(TOPIC) --results-topic $(RESULTS_TOPIC) \
	  --dead-letter-topic $(DLQ_TOPIC) --radio-codes $(RADIO_CODES) --tuning $(TUNING) --checkpoint $(RUN_DIR)/checkpoint \
	  --status-file $(STATUS_FILE)

.PHONY: status
ifneq ($(KUBE),)
status: status-k8s
else
status: ## Live-retune status of the running job: applied and rejected tuning, restarts, last batch (KUBE=1: on Kubernetes).
	@if [[ -f "$(STATUS_FILE)" ]]; then cat "$(STATUS_FILE)"; echo; \
	else echo "no status yet: $(STATUS_FILE) is written once spark-app runs (make run, make spark); on Kubernetes: make status KUBE=1" >&2; exit 1; fi
endif

.PHONY: ui
ui: ## Print the Spark UI and metrics addresses of a local run, as bound (Spark takes the next port when 4040 is in use).
	@url="$$(sed -n 's/^ *"ui" *: *"\([^"]*\)".*/\1/p' "$(STATUS_FILE)" 2>/dev/null | head -1)"; \
	if [[ -n "$$url" ]]; then echo "Spark UI: $$url  (on Kubernetes: make ui-k8s)"; \
	  echo "Metrics:  $${url%/StreamingQuery/}/metrics/prometheus/  (make prometheus scrapes them; docs/metrics.md)"; \
	else echo "no Spark UI address yet: spark-app writes it to $(STATUS_FILE) once it runs (make run, make spark); on Kubernetes: make ui-k8s" >&2; exit 1; fi

.PHONY: prometheus
prometheus: ## Prometheus (Debian's, apt-installed if missing) scraping the local job and Kafka; UI on 127.0.0.1:9090.
	RUN_DIR=$(RUN_DIR) scripts/prometheus.sh

.PHONY: screenshots
screenshots: ## Run the pipeline briefly and capture the console and the Spark UI into docs/img (needs chromium).
	scripts/screenshots.sh

.PHONY: docs
docs: build ## Regenerate what is declared in code: tuning file and reference, metrics reference, chart tuning defaults and schema, Java 17 flags.
	bash -c 'source bin/lib.sh && run_module common io.sfcrime.common.GeneratedFiles "$$ROOT"'

##@ Kubernetes

# Run the pipeline on a kind cluster (see helm/README.md). Tool versions are pinned; override on the command line.
KIND_VERSION ?= v0.24.0
HELM_VERSION ?= v3.16.3
KUBECTL_VERSION ?= v1.31.2
STRIMZI_VERSION ?= 0.45.0
KIND_CLUSTER ?= sf-crime
KIND_NODE_IMAGE ?= kindest/node:v1.31.2
NAMESPACE ?= sf-crime
RELEASE ?= sfcs
CHART ?= helm/sf-crime-streaming
VALUES ?= $(CHART)/values.yaml
# Long enough for a fresh kind node to pull Kafka and for the pods to wait for their topics (topicWait.seconds).
HELM_TIMEOUT ?= 15m
KAFKA_WAIT_TIMEOUT ?= 600s
# The Strimzi cluster operator runs in a namespace of its own, watching NAMESPACE: pods that a Role lets create in
# NAMESPACE (the driver's executors) can never run as the operator's account.
STRIMZI_NAMESPACE ?= strimzi
KIND ?= kind
HELM ?= helm
KUBECTL ?= kubectl
IMAGE_PREFIX ?= sf-crime-streaming
IMAGE_TAG ?= $(shell sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
IMAGE_MODULES ?= producer consumer spark-app
JIB_BASE_IMAGE ?= eclipse-temurin:17-jre
BASE_IMAGE_TAR ?= images/base-jre17.tar
STRIMZI_URL ?= https://github.com/strimzi/strimzi-kafka-operator/releases/download/$(STRIMZI_VERSION)/strimzi-cluster-operator-$(STRIMZI_VERSION).yaml
DRIVER ?= deploy/$(RELEASE)-sf-crime-streaming-driver
RELEASE_SELECTOR = app.kubernetes.io/instance=$(RELEASE)
# Jib's image names: the same prefix and tag the chart is told (image.repositoryPrefix, image.tag).
JIB_IMAGE = -Djib.image.prefix=$(IMAGE_PREFIX) -Djib.image.tag=$(IMAGE_TAG)
comma := ,

.PHONY: kind-create
kind-create: ## Create the kind cluster (kind $(KIND_VERSION)) unless it exists.
	@$(KIND) get clusters 2>/dev/null | grep -qx '$(KIND_CLUSTER)' && echo "kind cluster $(KIND_CLUSTER) exists" || \
	  $(KIND) create cluster --name $(KIND_CLUSTER) --image $(KIND_NODE_IMAGE) --config k8s/kind-config.yaml --wait 120s

.PHONY: base-image
base-image: ## Build the offline JRE 17 base image tar from Debian packages (mmdebstrap, umoci, skopeo).
	container/base-image.sh $(BASE_IMAGE_TAR) $(IMAGE_PREFIX)/base-jre17:bookworm

.PHONY: images
images: ## Build the producer, consumer and spark-app image tars (IMAGE_PREFIX/MODULE:IMAGE_TAG) with Jib on the public JRE base.
	$(MVN) -q -DskipTests -pl $(subst $() $(),$(comma),$(IMAGE_MODULES)) -am package jib:buildTar -Djib.base.image=$(JIB_BASE_IMAGE) $(JIB_IMAGE)
	@for m in $(IMAGE_MODULES); do ls -l $$m/target/jib-image.tar; done

.PHONY: images-offline
images-offline: $(BASE_IMAGE_TAR) ## Same as images on the offline base (no registry needed; what CI runs).
	$(MVN) -q -DskipTests -pl $(subst $() $(),$(comma),$(IMAGE_MODULES)) -am package jib:buildTar -Djib.base.image=tar://$(CURDIR)/$(BASE_IMAGE_TAR) $(JIB_IMAGE)
	@for m in $(IMAGE_MODULES); do ls -l $$m/target/jib-image.tar; done

$(BASE_IMAGE_TAR):
	container/base-image.sh $(BASE_IMAGE_TAR) $(IMAGE_PREFIX)/base-jre17:bookworm

.PHONY: images-test
images-test: ## Check the image tars (non-root user, entrypoint, labels) and run them with podman.
	$(MVN) -pl chart-tests -am verify -Dimages.required=true -Dtest=none -Dit.test=ImageTarIT \
	  -Dsurefire.failIfNoSpecifiedTests=false -Dit.failIfNoSpecifiedTests=false
	container/podman-smoke.sh

.PHONY: kind-load
kind-load: ## Load the three image tars into the kind cluster.
	@for m in $(IMAGE_MODULES); do $(KIND) load image-archive $$m/target/jib-image.tar --name $(KIND_CLUSTER); done

.PHONY: strimzi-install
strimzi-install: ## Install the Strimzi operator $(STRIMZI_VERSION) in $(STRIMZI_NAMESPACE), watching $(NAMESPACE) only.
	@echo "Strimzi $(STRIMZI_VERSION): operator in namespace $(STRIMZI_NAMESPACE), watching namespace $(NAMESPACE)"
	for ns in $(STRIMZI_NAMESPACE) $(NAMESPACE); do \
	  $(KUBECTL) create namespace $$ns --dry-run=client -o yaml | $(KUBECTL) apply -f -; done
	# An operator an earlier version of this target put into $(NAMESPACE) would fight the new one.
	$(KUBECTL) -n $(NAMESPACE) delete deployment strimzi-cluster-operator --ignore-not-found
	curl -fsSL $(STRIMZI_URL) | sed 's/namespace: .*/namespace: $(STRIMZI_NAMESPACE)/' | $(KUBECTL) apply -n $(STRIMZI_NAMESPACE) -f -
	# Strimzi's "watch another namespace" set-up: the namespace in STRIMZI_NAMESPACE, and in it the operator's
	# three RoleBindings (its namespaced role, the watched role, the entity operator delegation).
	$(KUBECTL) -n $(STRIMZI_NAMESPACE) set env deployment/strimzi-cluster-operator STRIMZI_NAMESPACE=$(NAMESPACE)
	for rb in strimzi-cluster-operator:strimzi-cluster-operator-namespaced \
	          strimzi-cluster-operator-watched:strimzi-cluster-operator-watched \
	          strimzi-cluster-operator-entity-operator-delegation:strimzi-entity-operator; do \
	  $(KUBECTL) -n $(NAMESPACE) create rolebinding $${rb%%:*} --clusterrole=$${rb#*:} \
	    --serviceaccount=$(STRIMZI_NAMESPACE):strimzi-cluster-operator --dry-run=client -o yaml | $(KUBECTL) apply -f -; \
	done
	$(KUBECTL) -n $(STRIMZI_NAMESPACE) rollout status deployment/strimzi-cluster-operator --timeout=300s

.PHONY: deploy
deploy: kind-create kind-load strimzi-install ## Install or upgrade the chart and wait until Kafka, its topics and the pods are ready (images: make images).
	$(HELM) upgrade --install $(RELEASE) $(CHART) --namespace $(NAMESPACE) --create-namespace \
	  -f $(VALUES) --set image.repositoryPrefix=$(IMAGE_PREFIX) --set image.tag=$(IMAGE_TAG) --wait --timeout $(HELM_TIMEOUT)
	@if $(KUBECTL) -n $(NAMESPACE) get kafka -l $(RELEASE_SELECTOR) -o name | grep -q .; then \
	  echo "waiting up to $(KAFKA_WAIT_TIMEOUT) for Kafka and its KafkaTopics ($(RELEASE_SELECTOR)) to be Ready:"; \
	  $(KUBECTL) -n $(NAMESPACE) get kafka,kafkatopic -l $(RELEASE_SELECTOR) -o name; \
	  $(KUBECTL) -n $(NAMESPACE) wait kafka -l $(RELEASE_SELECTOR) --for=condition=Ready --timeout=$(KAFKA_WAIT_TIMEOUT); \
	  $(KUBECTL) -n $(NAMESPACE) wait kafkatopic -l $(RELEASE_SELECTOR) --for=condition=Ready --timeout=$(KAFKA_WAIT_TIMEOUT); \
	else echo "no Strimzi Kafka in release $(RELEASE) (kafka.externalBootstrap): nothing to wait for"; fi
	$(KUBECTL) -n $(NAMESPACE) get pods -l $(RELEASE_SELECTOR)

.PHONY: ui-k8s
ui-k8s: ## Forward the Spark UI to http://localhost:4040 (Ctrl-C stops).
	@echo "Spark UI: http://localhost:4040/StreamingQuery/"
	$(KUBECTL) -n $(NAMESPACE) port-forward svc/$(RELEASE)-sf-crime-streaming-ui 4040:4040

.PHONY: logs-k8s
logs-k8s: ## Follow the driver's log (one progress line per batch).
	$(KUBECTL) -n $(NAMESPACE) logs -f $(DRIVER)

.PHONY: retune
# --reset-then-reuse-values (Helm 3.14+): your earlier values over the chart's current defaults. --reuse-values would
# render with the defaults of the chart version first installed, without the values a newer chart added.
retune: ## Apply edited tuning from VALUES without rolling the driver (helm upgrade).
	$(HELM) upgrade $(RELEASE) $(CHART) --namespace $(NAMESPACE) --reset-then-reuse-values -f $(VALUES) --wait --timeout $(HELM_TIMEOUT)
	$(KUBECTL) -n $(NAMESPACE) get configmap $(RELEASE)-sf-crime-streaming-tuning -o jsonpath='{.data}'; echo

.PHONY: status-k8s
status-k8s: ## Print the live-retune status ConfigMap (applied, rejected, restarts, last progress).
	$(KUBECTL) -n $(NAMESPACE) get configmap $(RELEASE)-tuning-status -o jsonpath='{.data}'; echo

.PHONY: undeploy
undeploy: ## Delete the release's KafkaTopics (and wait), then uninstall it (the checkpoint PVC is kept; delete it to start counts afresh).
	@echo "deleting the KafkaTopics of $(RELEASE) while Kafka and the topic operator still run (it removes their finalizers)"
	if $(KUBECTL) get crd kafkatopics.kafka.strimzi.io >/dev/null 2>&1; then \
	  $(KUBECTL) -n $(NAMESPACE) delete kafkatopic -l $(RELEASE_SELECTOR) --ignore-not-found --wait --timeout=$(KAFKA_WAIT_TIMEOUT); fi
	@if $(HELM) status $(RELEASE) --namespace $(NAMESPACE) >/dev/null 2>&1; then \
	  $(HELM) uninstall $(RELEASE) --namespace $(NAMESPACE) --wait --timeout $(HELM_TIMEOUT); \
	else echo "release $(RELEASE) is not installed in $(NAMESPACE)"; fi
	# Hooks are not release resources: the producer Job and the helm test pod stay after an uninstall.
	$(KUBECTL) -n $(NAMESPACE) delete job,pod -l '$(RELEASE_SELECTOR),app.kubernetes.io/component in (producer,test)' --ignore-not-found

.PHONY: kind-delete
kind-delete: ## Delete the kind cluster.
	$(KIND) delete cluster --name $(KIND_CLUSTER)

.PHONY: manifests
manifests: ## Render the chart with default values into k8s/rendered (checked by chart-tests).
	$(MVN) -q -pl chart-tests -am test -Dtest=RenderedManifestsTest -Dmanifests.update=true -Dsurefire.failIfNoSpecifiedTests=false

##@ End-to-end (podman, no cluster)

# `make e2e` needs the image tars (make images-offline) and podman, runc, skopeo. Its ports are in E2E_VALUES.
SCENARIO ?= drain
E2E_VALUES ?= chart-tests/src/test/resources/e2e/values.yaml
E2E_KAFKA_CONTROLLER_PORT ?= 19493
# The autoscale scenario plays a load of about three minutes, then waits for the scale-down: it gets longer.
E2E_TIMEOUT ?= $(if $(filter autoscale,$(SCENARIO)),900,540)
E2E_LOG ?= chart-tests/target/e2e.log

.PHONY: e2e
e2e: ## The chart's pods and Spark's executor pods as podman containers against kafka-local and a mock API server; one verdict line.
	@mkdir -p $(dir $(E2E_LOG))
	@set +e; $(MVN) verify -pl chart-tests -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dit.test=E2eIT -Dit.failIfNoSpecifiedTests=false -De2e.scenario=$(SCENARIO) -De2e.values=$(E2E_VALUES) \
	  -De2e.kafka.controllerPort=$(E2E_KAFKA_CONTROLLER_PORT) -De2e.timeout.s=$(E2E_TIMEOUT) 2>&1 | tee $(E2E_LOG); \
	  status=$${PIPESTATUS[0]}; \
	  grep -q '^e2e: \(PASS\|FAIL\) ' $(E2E_LOG) || echo "e2e: FAIL no verdict from the rig (maven exit $$status; see $(E2E_LOG))"; \
	  exit $$status

AUTOSCALE_CSV ?= chart-tests/target/e2e/autoscale.csv
AUTOSCALE_CHART ?= docs/img/autoscaling.png

.PHONY: autoscale-chart
autoscale-chart: ## Draw AUTOSCALE_CSV (from make e2e SCENARIO=autoscale) into AUTOSCALE_CHART, keeping the CSV beside it.
	@test -f "$(AUTOSCALE_CSV)" || { echo "no $(AUTOSCALE_CSV): run make e2e SCENARIO=autoscale first (or give AUTOSCALE_CSV)" >&2; exit 2; }
	$(MVN) -q -DskipTests -pl bench -am package
	@mkdir -p "$(dir $(AUTOSCALE_CHART))"; csv="$(AUTOSCALE_CHART:.png=.csv)"; [[ "$(AUTOSCALE_CSV)" -ef "$$csv" ]] || cp "$(AUTOSCALE_CSV)" "$$csv"; \
	  bash -c 'source bin/lib.sh && run_module bench io.sfcrime.bench.report.TimelineChart "$$0" "$$1"' "$$csv" "$(AUTOSCALE_CHART)"

##@ Benchmark

N ?= 1000000
R ?= 3
P ?= 2
QUICK ?=

.PHONY: bench
bench: build ## Tuning study: ceiling, Spark defaults, profiles, producer, latency, scaling → docs/tuning-report.md. QUICK=1: CI check (<5 min, counts only).
	bin/bench --n $(N) --r $(R) --p $(P) $(if $(QUICK),--quick,)

##@ Reliability

DURATION ?= 10m
SOAK_DIR ?= $(RUN_DIR)/soak

.PHONY: test-faults
test-faults: ## Only the fault and bad-input tests (make test runs them too): broker restarts, kill -9, checkpoints, bad input/config.
	$(MVN) verify -pl spark-app -am -Dtest='io.sfcrime.spark.faults.*Test' -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dit.test='io.sfcrime.spark.faults.*IT,io.sfcrime.spark.app.RestartIT'

.PHONY: soak
soak: ## Looping producer (event time moving on) at RATE/s for DURATION with spark-app, kill -9 twice: heap after GC, state rows, restart time, report vs an independent count; one `soak:` line.
	DURATION=$(DURATION) RATE=$(RATE) RUN_DIR=$(SOAK_DIR) scripts/soak.sh
