package io.sfcrime.consumer;

/** The topic to read does not exist on the broker. */
public class TopicNotFoundException extends RuntimeException {
    public TopicNotFoundException(String topic, String bootstrap) {
        super("topic '" + topic + "' does not exist on " + bootstrap
                + " (create it, or check --topic; the producer creates its topics when it first runs)");
    }
}
