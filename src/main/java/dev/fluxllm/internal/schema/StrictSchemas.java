package dev.fluxllm.internal.schema;

import com.fasterxml.classmate.ResolvedType;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.MemberScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import com.github.victools.jsonschema.module.jackson.JacksonSchemaModule;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates JSON Schemas in the form OpenAI's strict mode accepts: every property required,
 * {@code additionalProperties: false}, optional values as a union with {@code null}, nested and
 * recursive types under {@code $defs}, properties in declaration order. A type strict mode cannot
 * express fails here, with an {@link IllegalArgumentException} naming the type and the field.
 */
final class StrictSchemas {

    /** Boxed primitives are nullable: in a record they are how Java says "may be absent". */
    private static final Set<Class<?>> BOXED = Set.of(Integer.class, Long.class, Short.class, Byte.class,
            Double.class, Float.class, Boolean.class, Character.class);

    private static final String LOCAL_DATE_TIME = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?$";
    private static final String LOCAL_TIME = "^\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?$";

    private final SchemaGenerator generator;

    StrictSchemas(Polymorphism polymorphism) {
        SchemaGeneratorConfigBuilder b = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12,
                OptionPreset.PLAIN_JSON)
                .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
                .with(Option.DEFINITIONS_FOR_ALL_OBJECTS)
                .with(Option.PLAIN_DEFINITION_KEYS)
                .without(Option.SCHEMA_VERSION_INDICATOR)
                // Subtypes are ours to render: victools' form ($ref beside properties) breaks strict mode.
                .with(new JacksonSchemaModule(JacksonOption.FLATTENED_ENUMS_FROM_JSONVALUE,
                        JacksonOption.FLATTENED_ENUMS_FROM_JSONPROPERTY, JacksonOption.RESPECT_JSONPROPERTY_ORDER,
                        JacksonOption.SKIP_SUBTYPE_LOOKUP, JacksonOption.IGNORE_TYPE_INFO_TRANSFORM));
        b.forFields()
                .withRequiredCheck(f -> true)
                .withNullableCheck(StrictSchemas::nullable)
                .withInstanceAttributeOverride((node, field, ctx) -> refuseInexpressible(field));
        b.forMethods()
                .withRequiredCheck(m -> true)
                .withNullableCheck(StrictSchemas::nullable)
                .withInstanceAttributeOverride((node, method, ctx) -> refuseInexpressible(method));
        b.forTypesInGeneral()
                // Keep declaration order: a model writes the keys in schema order.
                .withPropertySorter((x, y) -> 0)
                .withSubtypeResolver(polymorphism::subtypes)
                .withTypeAttributeOverride((node, scope, ctx) -> {
                    Class<?> c = scope.getType().getErasedType();
                    if (c == LocalDateTime.class) {
                        node.remove("format");
                        node.put("pattern", LOCAL_DATE_TIME);
                    } else if (c == LocalTime.class) {
                        node.remove("format");
                        node.put("pattern", LOCAL_TIME);
                    }
                    polymorphism.addDiscriminator(node, c);
                });
        this.generator = new SchemaGenerator(b.build());
    }

    /** Returns the strict schema of {@code type}; fails when strict mode cannot express it. */
    ObjectNode generate(Type type) {
        ObjectNode schema = generator.generateSchema(type);
        refuseOpenObjects(schema, type.getTypeName(), "");
        return schema;
    }

    private static boolean nullable(MemberScope<?, ?> member) {
        Class<?> declared = member.getDeclaredType().getErasedType();
        if (declared == Optional.class || declared == OptionalInt.class || declared == OptionalLong.class
                || declared == OptionalDouble.class || BOXED.contains(declared)) {
            return true;
        }
        for (Annotation a : member.getRawMember() instanceof java.lang.reflect.AnnotatedElement e
                ? e.getAnnotations() : new Annotation[0]) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        if (member instanceof FieldScope f && f.findGetter() != null) {
            for (Annotation a : f.findGetter().getRawMember().getAnnotations()) {
                if (a.annotationType().getSimpleName().equals("Nullable")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void refuseInexpressible(MemberScope<?, ?> member) {
        String where = member.getDeclaringType().getErasedType().getSimpleName() + "." + member.getSchemaPropertyName();
        check(member.getType(), where);
    }

    private static void check(ResolvedType t, String where) {
        Class<?> c = t.getErasedType();
        if (Map.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException(where + " is a " + t.getBriefDescription()
                    + ": strict mode cannot express maps (every object needs fixed properties and "
                    + "additionalProperties false); use a List of key/value records instead");
        }
        if (c == Object.class || JsonNode.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException(where + " is a " + c.getSimpleName()
                    + ": strict mode cannot express a value of any shape; use a record, enum, String, number or List type");
        }
        for (ResolvedType p : t.getTypeParameters()) {
            check(p, where);
        }
        if (t.isArray()) {
            check(t.getArrayElementType(), where);
        }
    }

    /** Finds objects the field checks could not see (a root or element type without fields). */
    private static void refuseOpenObjects(JsonNode node, String root, String at) {
        if (node.isObject()) {
            JsonNode type = node.get("type");
            boolean object = type != null && (type.asString("").equals("object")
                    || type.isArray() && type.toString().contains("\"object\""));
            if (object && !node.has("properties")) {
                throw new IllegalArgumentException(root + (at.isEmpty() ? "" : " at " + at)
                        + " is an object without fixed properties (a Map or Object?): strict mode cannot express it; "
                        + "use a record with named fields");
            }
            for (var e : node.properties()) {
                refuseOpenObjects(e.getValue(), root, at + "/" + e.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refuseOpenObjects(node.get(i), root, at + "/" + i);
            }
        }
    }
}
