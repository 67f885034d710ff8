package io.sfcrime.charttests.e2e;

import java.nio.file.Path;

/**
 * The default run: the producer Job replays the sample; the driver starts, gets its executor pods and drains the
 * topic with them (the stateful aggregation writes its state store through the executors); its heap is checked;
 * a live tuning change goes through the tuning ConfigMap, the reconciler, the status ConfigMap and an Event; then
 * SIGTERM, and the report must equal the local-mode report.
 */
final class DrainScenario implements Scenario {

    @Override
    public void play(Stage stage) throws Exception {
        stage.runProducerJob();
        stage.startDriver();
        stage.awaitExecutors(Integer.parseInt(stage.release().tuning().getData().get("spark.executor.instances")));
        stage.awaitDrained();
        stage.checkDriverHeap();
        String topN = stage.release().tuning().getData().get("console.topN");
        stage.retuneLive("console.topN", String.valueOf(Integer.parseInt(topN) + 1));
        Path report = stage.stopDriver();
        stage.compareWithLocalMode(report);
    }
}
