package dev.fluxllm.internal.schema;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.fluxllm.SchemaViolation;
import dev.fluxllm.internal.json.Json;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Binds a Java type to its strict JSON Schema: the schema text, a compiled validator and a reader
 * that maps a validated JSON value to the type. Computed once per type and shared; thread-safe.
 */
public final class TypeBinding<T> {

    private static final Map<Type, TypeBinding<?>> CACHE = new ConcurrentHashMap<>();

    /** The field of a list answer that holds the elements. */
    public static final String LIST_FIELD = "items";

    private final Type type;
    private final String name;
    private final ObjectNode schema;
    private final String schemaJson;
    private final ObjectNode objectSchema;
    private final String objectSchemaJson;
    private final boolean objectRoot;
    private final SchemaCheck check;
    private final SchemaCheck answerCheck;
    private volatile String listSchemaJson;
    private final ObjectReader reader;
    private final ObjectReader lenientReader;

    private TypeBinding(Type type) {
        this.type = type;
        Polymorphism polymorphism = new Polymorphism();
        this.schema = new StrictSchemas(polymorphism).generate(type);
        this.schemaJson = schema.toString();
        this.name = schemaName(type);
        this.objectRoot = "object".equals(schema.path("type").asString("")) && schema.has("properties");
        this.objectSchema = objectRoot ? schema : wrap(schema);
        this.objectSchemaJson = objectSchema.toString();
        this.check = SchemaCheck.compile(schema);
        this.answerCheck = objectRoot ? check : SchemaCheck.compile(objectSchema);
        JsonMapper mapper = mapperFor(polymorphism);
        JavaType javaType = mapper.getTypeFactory().constructType(type);
        this.reader = mapper.readerFor(javaType);
        this.lenientReader = mapper.readerFor(javaType)
                .without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .without(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .without(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .withHandler(new Lenient());
    }

    /**
     * Returns the binding of {@code type}, computing it on first use.
     *
     * @throws IllegalArgumentException naming the type and field when strict mode cannot express it
     */
    @SuppressWarnings("unchecked")
    public static <T> TypeBinding<T> of(Class<T> type) {
        return (TypeBinding<T>) of((Type) type);
    }

    /**
     * Emits the binding of {@code type}: at once when it is known, else computed on
     * {@link Schedulers#boundedElastic()}, because the first binding reads classes and the
     * validator's messages from jars, which must not happen on an event loop.
     */
    @SuppressWarnings("unchecked")
    public static <T> Mono<TypeBinding<T>> async(Class<T> type) {
        Objects.requireNonNull(type, "type");
        TypeBinding<?> known = CACHE.get(type);
        return known != null ? Mono.just((TypeBinding<T>) known)
                : Mono.fromCallable(() -> of(type)).subscribeOn(Schedulers.boundedElastic());
    }

    /** Returns the binding of any type, e.g. a parameterized {@code List<Item>}. */
    public static TypeBinding<?> of(Type type) {
        Objects.requireNonNull(type, "type");
        TypeBinding<?> known = CACHE.get(type);
        return known != null ? known : CACHE.computeIfAbsent(type, TypeBinding::new);
    }

    /** Returns the bound type. */
    public Type type() {
        return type;
    }

    /** Returns a schema name for {@code response_format}: the type's simple name, {@code [A-Za-z0-9_-]} only. */
    public String name() {
        return name;
    }

    /** Returns the schema text of the type itself (its root may be an array or an enum). */
    public String schemaJson() {
        return schemaJson;
    }

    /** Returns a copy of the schema of the type itself. */
    public ObjectNode schema() {
        return schema.deepCopy();
    }

    /** Returns whether the type's own schema is an object (else it is sent wrapped, see {@link #objectSchemaJson()}). */
    public boolean objectRoot() {
        return objectRoot;
    }

    /**
     * Returns the schema to send where the root must be an object: the type's own schema, or for
     * an array or enum type {@code {"value": <schema>}}.
     */
    public String objectSchemaJson() {
        return objectSchemaJson;
    }

    /** Returns a copy of {@link #objectSchemaJson()} as a tree. */
    public ObjectNode objectSchema() {
        return objectSchema.deepCopy();
    }

    /** Returns how {@code value} breaks the type's schema, empty when it conforms. */
    public List<SchemaViolation> validate(JsonNode value) {
        return check.validate(value);
    }

    /**
     * Maps a value that conforms to the schema.
     *
     * @throws MappingFailure when Jackson cannot build the type from it
     */
    public T map(JsonNode value) {
        try {
            return reader.readValue(value);
        } catch (JacksonException e) {
            throw new MappingFailure(e.getOriginalMessage(), e);
        }
    }

    /**
     * Maps a value that is still being written: absent fields become null, zero or empty, values
     * that do not parse yet (a half-written date or enum) become null. Returns null when even that
     * is impossible (a hierarchy whose subtype cannot be told yet).
     */
    public T mapPartial(JsonNode value) {
        try {
            return lenientReader.readValue(value);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Unwraps a value written against {@link #objectSchemaJson()}: the {@code value} field of a wrapper. */
    public JsonNode unwrap(JsonNode answer) {
        return objectRoot ? answer : answer.path("value");
    }

    /** Returns how an answer written against {@link #objectSchemaJson()} breaks it, empty when it conforms. */
    public List<SchemaViolation> validateAnswer(JsonNode answer) {
        return answerCheck.validate(answer);
    }

    /** Maps a conforming answer written against {@link #objectSchemaJson()}. */
    public T mapAnswer(JsonNode answer) {
        return map(unwrap(answer));
    }

    /**
     * Returns the schema of a list answer: {@code {"items": [<this type>, ...]}} (the root of a
     * response format must be an object).
     */
    public String listSchemaJson() {
        String s = listSchemaJson;
        if (s == null) {
            s = container(schema, LIST_FIELD, true).toString();
            listSchemaJson = s;
        }
        return s;
    }

    private ObjectNode wrap(ObjectNode schema) {
        return container(schema, "value", false);
    }

    /**
     * Builds {@code {"<field>": <schema>}} (or {@code {"<field>": [<schema>, ...]}}): the type's
     * definitions move to the container's root, and a recursive reference to the type's own root
     * ({@code "$ref": "#"}) is redirected to a definition of it.
     */
    private ObjectNode container(ObjectNode schema, String field, boolean list) {
        ObjectNode inner = schema.deepCopy();
        JsonNode removed = inner.remove("$defs");
        ObjectNode defs = removed instanceof ObjectNode d ? d : JsonNodeFactory.instance.objectNode();
        String self = "#/$defs/" + name;
        if (redirectRootRefs(inner, self) | redirectRootRefs(defs, self)) {
            defs.set(name, inner);
            inner = JsonNodeFactory.instance.objectNode().put("$ref", self);
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("type", "object");
        ObjectNode property = root.putObject("properties").putObject(field);
        if (list) {
            property.put("type", "array");
            property.set("items", inner);
        } else {
            property.setAll(inner);
        }
        root.putArray("required").add(field);
        root.put("additionalProperties", false);
        if (!defs.isEmpty()) {
            root.set("$defs", defs);
        }
        return root;
    }

    private static boolean redirectRootRefs(JsonNode node, String target) {
        boolean found = false;
        if (node instanceof ObjectNode o) {
            if ("#".equals(o.path("$ref").asString(null))) {
                o.put("$ref", target);
                found = true;
            }
            for (var e : o.properties()) {
                found |= redirectRootRefs(e.getValue(), target);
            }
        } else if (node != null && node.isArray()) {
            for (JsonNode child : node) {
                found |= redirectRootRefs(child, target);
            }
        }
        return found;
    }

    private static String schemaName(Type type) {
        String raw = type instanceof Class<?> c ? c.getSimpleName() : type.getTypeName();
        String clean = raw.replaceAll("[^A-Za-z0-9_-]+", "_").replaceAll("^_+|_+$", "");
        if (clean.isEmpty()) {
            clean = "answer";
        }
        return clean.length() > 64 ? clean.substring(0, 64) : clean;
    }

    private static JsonMapper mapperFor(Polymorphism polymorphism) {
        if (polymorphism.deducedHierarchies().isEmpty()) {
            return Json.MAPPER;
        }
        JsonMapper.Builder b = Json.MAPPER.rebuild();
        for (Class<?> base : polymorphism.deducedHierarchies()) {
            b.addMixIn(base, Deduced.class);
            b.registerSubtypes(base.getPermittedSubclasses());
        }
        return b.build();
    }

    /** Tells a sealed hierarchy's subtypes apart by their properties. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
    private interface Deduced {
    }

    /** Thrown when Jackson cannot build the type from a value. */
    public static final class MappingFailure extends RuntimeException {
        MappingFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Reads what a half-written value cannot be yet as null. */
    private static final class Lenient extends DeserializationProblemHandler {
        @Override
        public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String value,
                                             String failureMsg) {
            return null;
        }

        @Override
        public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number value,
                                             String failureMsg) {
            return null;
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType,
                                            tools.jackson.core.JsonToken t, tools.jackson.core.JsonParser p,
                                            String failureMsg) {
            return null;
        }
    }
}
