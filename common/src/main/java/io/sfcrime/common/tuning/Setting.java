package io.sfcrime.common.tuning;

import java.util.Objects;
import java.util.function.Function;

/**
 * One tuning key, declared once: name, type, default, doc, validation and how a change applies. The YAML file,
 * the ConfigMap, validation, status and the generated docs all read this declaration.
 *
 * @param check returns null when a parsed value is acceptable, otherwise what is wrong with it
 */
public record Setting(String name, SettingType type, Object defaultValue, ApplyMode applyMode, String doc,
                      Function<Object, String> check) {

    public Setting {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(applyMode);
        Objects.requireNonNull(doc);
        check = check == null ? v -> null : check;
    }

    /** Parses and checks a raw value; throws {@link IllegalArgumentException} naming the key and the problem. */
    public Object parse(Object raw) {
        if (raw == null) {
            throw new IllegalArgumentException(name + ": a value is required");
        }
        Object value;
        try {
            value = type.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
        String problem = check.apply(value);
        if (problem != null) {
            throw new IllegalArgumentException(name + ": " + problem);
        }
        return value;
    }

    public String render(Object value) {
        return type.render(value);
    }

    public String defaultText() {
        return render(defaultValue);
    }
}
