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
RATE ?= 500

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
	$(MVN) verify

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
	  --dead-letter-topic $(DLQ_TOPIC) --radio-codes $(RADIO_CODES) --tuning $(TUNING) --checkpoint $(RUN_DIR)/checkpoint

.PHONY: ui
ui: ## Print the Spark UI address of a local run.
	@echo "Spark UI: http://127.0.0.1:4040/StreamingQuery/  (on Kubernetes: make ui-k8s)"

.PHONY: docs
docs: build ## Regenerate conf/tuning.yaml and docs/tuning.md from the tuning key declarations.
	bash -c 'source bin/lib.sh && run_module common io.sfcrime.common.tuning.TuningDocs "$$ROOT"'

##@ Kubernetes

