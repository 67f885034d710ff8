package io.sfcrime.kafkalocal.junit;

/** The child broker could not be started or stopped; the message carries the broker's last output lines. */
public final class KafkaLocalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KafkaLocalException(String message) {
        super(message);
    }

    public KafkaLocalException(String message, Throwable cause) {
        super(message, cause);
    }
}
