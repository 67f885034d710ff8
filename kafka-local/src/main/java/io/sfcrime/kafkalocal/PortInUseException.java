package io.sfcrime.kafkalocal;

/** A port the broker must listen on is already taken by another process. */
final class PortInUseException extends Exception {
    private static final long serialVersionUID = 1L;

    PortInUseException(String what, int port, Throwable cause) {
        super(what + " port " + port + " on " + BrokerSettings.HOST
                + " is already in use (another kafka-local or Kafka running? choose another with --port/--controller-port)",
                cause);
    }
}
