package io.sfcrime.producer;

/** A topic could not be created or checked (e.g. replication factor above the number of brokers). */
public final class TopicSetupException extends Exception {
    public TopicSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
