package io.sfcrime.spark.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM and SIGINT as a request to stop, not an exit: the job finishes its batch, writes the report and exits
 * itself. Without this the JVM would start its shutdown hooks and Spark would stop its context mid-batch.
 */
public final class StopSignal {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);
    private final CountDownLatch requested = new CountDownLatch(1);

    public static StopSignal install() {
        StopSignal s = new StopSignal();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    LOG.info("SIG{} received: finishing the current batch, then stopping", sig.getName());
                    s.requested.countDown();
                });
            } catch (IllegalArgumentException e) {
                LOG.warn("cannot handle SIG{} here: {}", name, e.getMessage());
            }
        }
        return s;
    }

    public void request() {
        requested.countDown();
    }

    public boolean requested() {
        return requested.getCount() == 0;
    }

    public boolean await(long millis) throws InterruptedException {
        return requested.await(millis, TimeUnit.MILLISECONDS);
    }
}
