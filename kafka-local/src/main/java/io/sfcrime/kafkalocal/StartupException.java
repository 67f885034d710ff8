package io.sfcrime.kafkalocal;

/** The broker could not be formatted or started; the message says which step failed. */
final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
