package io.sfcrime.consumer;

/** No broker answered within the API timeout. */
public class BrokerUnreachableException extends RuntimeException {
    public BrokerUnreachableException(String bootstrap, long timeoutMs, Throwable cause) {
        super("cannot reach Kafka at " + bootstrap + " within " + timeoutMs
                + " ms (is it running? start one with bin/kafka-local, or check --bootstrap)", cause);
    }
}
