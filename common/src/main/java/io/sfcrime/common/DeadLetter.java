package io.sfcrime.common;

/**
 * Header names of dead-letter records. The value of a dead-letter record is the original text (or bytes) of the
 * rejected input; the headers say why, where it came from, and where in its source it stood.
 */
public final class DeadLetter {
    /** {@link Invalid#code()}: a stable code such as {@code unparseable_date_time}. */
    public static final String REASON = "dlq.reason";
    /** {@link Invalid#message()}: the human explanation naming the field and value. */
    public static final String MESSAGE = "dlq.message";
    /** Zero-based index of the record in its input (producer) or {@code topic-partition@offset} (spark-app). */
    public static final String INDEX = "dlq.index";
    /** Who rejected it: {@code producer} or {@code spark-app}. */
    public static final String SOURCE = "dlq.source";
    /** The input file or topic the record came from. */
    public static final String ORIGIN = "dlq.origin";

    private DeadLetter() {
    }
}
