package dev.fluxllm.structured;

import dev.fluxllm.internal.schema.TypeBinding;
import java.lang.reflect.Type;

/**
 * Derives JSON Schemas from Java types, in the form OpenAI's strict mode accepts: every property
 * required, {@code additionalProperties: false}, optional values ({@code Optional}, boxed
 * primitives, fields annotated {@code @Nullable}) as a union with {@code null}, nested and
 * recursive types under {@code $defs}, enums, lists, sets and arrays, {@code BigDecimal} as a
 * number, {@code java.time} types as strings with a format, sealed interfaces and
 * {@code @JsonTypeInfo} hierarchies as {@code anyOf}. Jackson annotations are honoured
 * ({@code @JsonProperty}, {@code @JsonPropertyDescription}, {@code @JsonClassDescription},
 * {@code @JsonIgnore}, {@code @JsonPropertyOrder}). Each type's schema is computed once.
 */
public final class JsonSchemas {

    private JsonSchemas() {
    }

    /**
     * Returns the strict JSON Schema text of {@code type}.
     *
     * @throws IllegalArgumentException when strict mode cannot express the type (a {@code Map},
     *         a raw {@code Object}, an abstract type without known subtypes); the message names the
     *         type and the field and says what to use instead
     */
    public static String of(Class<?> type) {
        return TypeBinding.of(type).schemaJson();
    }

    /** Returns the strict JSON Schema text of any type, e.g. a parameterized {@code List<Item>}. */
    public static String of(Type type) {
        return TypeBinding.of(type).schemaJson();
    }
}
