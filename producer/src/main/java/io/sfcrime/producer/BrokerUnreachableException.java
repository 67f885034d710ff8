package io.sfcrime.producer;

/** No Kafka broker answered at the bootstrap address within the timeout. */
public final class BrokerUnreachableException extends Exception {
    public BrokerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
