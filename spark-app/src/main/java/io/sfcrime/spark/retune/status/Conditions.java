package io.sfcrime.spark.retune.status;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The job's conditions as they change: a new status moves {@code lastTransitionTime}, a new reason or message under
 * the same status does not (Kubernetes' rule). Every type is present from the start, as Unknown. Not thread-safe:
 * {@link StatusTracker} guards it.
 */
final class Conditions {
    private final Clock clock;
    private final Map<Condition.Type, Condition> byType = new EnumMap<>(Condition.Type.class);

    Conditions(Clock clock) {
        this.clock = clock;
        String now = clock.instant().toString();
        for (Condition.Type t : Condition.Type.values()) {
            byType.put(t, new Condition(t.typeName(), Condition.UNKNOWN, "NotObservedYet",
                    "nothing has reported on this yet", now));
        }
    }

    void set(Condition.Type type, boolean status, String reason, String message) {
        set(type, status ? Condition.TRUE : Condition.FALSE, reason, message);
    }

    void set(Condition.Type type, String status, String reason, String message) {
        Condition before = byType.get(type);
        String since = before.status().equals(status) ? before.lastTransitionTime() : clock.instant().toString();
        byType.put(type, new Condition(type.typeName(), status, reason, message, since));
    }

    List<Condition> list() {
        return new ArrayList<>(byType.values());
    }
}
