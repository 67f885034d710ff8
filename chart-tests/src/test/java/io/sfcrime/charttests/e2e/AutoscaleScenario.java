package io.sfcrime.charttests.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code make e2e SCENARIO=autoscale}: the driver's autoscaler in act mode ({@code autoscale.yaml}) against a load
 * that steps low → high → low ({@code producer --rate-schedule}, one producer pod looping the sample with unique
 * ids into a topic of {@link #PARTITIONS} partitions, started once the driver has drained a warm-up). The driver must create executor pods that run as containers
 * and register, delete them again once the lag is gone, end at its minimum with lag 0, and its report must equal
 * the local-mode report. Every {@link #SAMPLE_MILLIS} ms the rig samples lag and executor pods into
 * {@code autoscale.csv} in its work directory; {@link AutoscaleJudge} reads the verdict off those samples.
 */
final class AutoscaleScenario implements Scenario {
    /** Enough partitions that autoscale.maxExecutors (one core each) all get a task: the autoscaler's bound. */
    static final int PARTITIONS = 4;
    /**
     * Low, high, low: records per second for so long (the sample has 2,000 records; it loops). The high step is
     * above what the job can take with autoscale.yaml's batch cap on any machine, the low one far below it.
     */
    static final String SCHEDULE = "20:20s,1500:40s,20:40s";
    static final long SAMPLE_MILLIS = 3000;
    /** After the producer ends: time for the lag to drain and the scale-down cooldown to pass. */
    static final Duration SETTLE = Duration.ofSeconds(240);
    /** Samples after the end state, so a scale-up that follows the scale-down would still be seen (and drawn). */
    static final Duration TAIL = Duration.ofSeconds(15);

    @Override
    public List<String> values() {
        return List.of("autoscale.yaml");
    }

    @Override
    public void play(Stage stage) throws Exception {
        Map<String, String> tuning = stage.release().tuning().getData();
        int min = Integer.parseInt(tuning.get("autoscale.minExecutors"));
        int max = Integer.parseInt(tuning.get("autoscale.maxExecutors"));
        String topic = stage.release().driverArg("--topic").orElseThrow();
        // The topic first, as a KafkaTopic would make it, with the partitions that bound the autoscaler.
        Probes.createTopic(stage.release().bootstrap(), topic, PARTITIONS);
        stage.step("created " + topic + " with " + PARTITIONS + " partitions");
        // A warm-up: the chart's producer Job (the sample once), drained by the driver and its first executor. The
        // load starts only then: a first batch (code generation, state store, executor start-up) takes a minute on
        // a busy machine, and would otherwise find the high step already over.
        stage.runProducerJob();
        stage.startDriver();
        stage.awaitExecutors(Integer.parseInt(tuning.get("spark.executor.instances")));
        stage.awaitDrained();
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--rate", "0");
        options.put("--rate-schedule", SCHEDULE);
        options.put("--loop", "forever");
        String producer = stage.startProducer(options);

        Path checkpoint = stage.hostPathOf(stage.release().driverArg("--checkpoint").orElseThrow());
        Timeline.Summary summary;
        try (TimelineSampler sampler = new TimelineSampler(stage, stage.release().bootstrap(), topic, checkpoint,
                () -> AutoscalerStatus.target(stage.statusData()))) {
            sampler.start(SAMPLE_MILLIS);
            PodCountLog podLog = new PodCountLog(stage, sampler);
            stage.step("sampling lag and executor pods every " + SAMPLE_MILLIS / 1000 + " s while the producer runs "
                    + SCHEDULE + " (records/s:duration)");
            stage.awaitProducer(producer, Duration.ofSeconds(scheduleSeconds() + 90), podLog);
            stage.step("producer done: the load is over; waiting up to " + SETTLE.toSeconds()
                    + " s for lag 0 and " + min + " executor pod(s)");
            try {
                stage.await("lag 0 and " + min + " executor pod(s)", SETTLE, () -> {
                    podLog.poll();
                    Timeline.Sample last = sampler.last();
                    return last != null && last.lag() == 0 && last.pods() == min ? Optional.of(true) : Optional.empty();
                });
                stage.step("lag 0 and " + min + " executor pod(s); sampling " + TAIL.toSeconds() + " s more");
                long until = System.nanoTime() + TAIL.toNanos();
                stage.await("the tail of the timeline", TAIL.plusSeconds(30), () -> {
                    podLog.poll();
                    return System.nanoTime() >= until ? Optional.of(true) : Optional.empty();
                });
            } catch (Stage.Failure timedOut) {
                stage.step(timedOut.getMessage());
            }
            List<Timeline.Sample> samples = sampler.samples();
            sampler.errors().forEach(e -> stage.step("a sample could not be read: " + e));
            if (samples.isEmpty()) {
                throw new Stage.Failure("no sample of lag and executor pods was read: " + sampler.errors());
            }
            Path csv = stage.workDir().resolve("autoscale.csv");
            Timeline.write(csv, List.of("make e2e SCENARIO=autoscale: producer --rate-schedule " + SCHEDULE
                    + ", " + PARTITIONS + " partitions, autoscale.minExecutors " + min + ", autoscale.maxExecutors "
                    + max + ", a sample every " + SAMPLE_MILLIS + " ms"), samples);
            summary = Timeline.summarize(samples);
            stage.step("timeline in " + csv + ": " + summary);
        }
        AutoscaleJudge judge = new AutoscaleJudge(min, max);
        judge.failures(summary).forEach(stage.verdict()::fail);
        checkEventsAndConditions(stage);
        stage.verdict().headline(AutoscaleJudge.fields(summary));
        Path report = stage.stopDriver();
        stage.compareWithLocalMode(report);
    }

    /** Each scaling is an Event of the driver pod; at the end the status says the job is not lagging. */
    private static void checkEventsAndConditions(Stage stage) {
        List<String> events = stage.driverEvents();
        for (String reason : List.of("ScaledUp", "ScaledDown")) {
            List<String> found = events.stream().filter(e -> e.startsWith(reason + ":")).toList();
            found.forEach(e -> stage.step("Event " + e));
            if (found.isEmpty()) {
                stage.verdict().fail("no " + reason + " Event of the driver pod");
            }
        }
        Map<String, String> status = stage.statusData();
        String lagging = AutoscalerStatus.condition(status, "lagging");
        String active = AutoscalerStatus.condition(status, "autoscalerActive");
        stage.step("status conditions at the end: lagging=" + lagging + ", autoscalerActive=" + active
                + ", autoscaler " + status.get("autoscaler"));
        if (!"False".equals(lagging)) {
            stage.verdict().fail("the status ConfigMap says lagging=" + lagging + " at the end, not False");
        }
        if (!"True".equals(active)) {
            stage.verdict().fail("the status ConfigMap says autoscalerActive=" + active + ", not True");
        }
    }

    static long scheduleSeconds() {
        long total = 0;
        for (String step : SCHEDULE.split(",")) {
            total += Long.parseLong(step.substring(step.indexOf(':') + 1).replace("s", ""));
        }
        return total;
    }

    /** Says when the executor pod count changes, so the log shows the scaling as it happens. */
    static final class PodCountLog implements Runnable {
        private final Stage stage;
        private final TimelineSampler sampler;
        private int pods = -1;

        PodCountLog(Stage stage, TimelineSampler sampler) {
            this.stage = stage;
            this.sampler = sampler;
        }

        void poll() {
            Timeline.Sample s = sampler.last();
            if (s != null && s.pods() != pods) {
                stage.step((pods < 0 ? "" : s.pods() > pods ? "scaled up: " : "scaled down: ") + s.pods()
                        + " executor pod(s) running, lag " + s.lag() + " records, input " + Math.round(s.inputRate())
                        + " records/s, autoscaler target " + s.target());
                pods = s.pods();
            }
        }

        @Override
        public void run() {
            poll();
        }
    }
}
