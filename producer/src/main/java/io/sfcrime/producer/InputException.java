package io.sfcrime.producer;

/** The input cannot be read, or cannot be read the way the options ask (e.g. stdin with --replay event-time). */
public final class InputException extends Exception {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
