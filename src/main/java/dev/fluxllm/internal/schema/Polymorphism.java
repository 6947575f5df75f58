package dev.fluxllm.internal.schema;

import com.fasterxml.classmate.ResolvedType;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.github.victools.jsonschema.generator.SchemaGenerationContext;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders type hierarchies as {@code anyOf}: sealed interfaces and classes by their permitted
 * subclasses, {@code @JsonTypeInfo} / {@code @JsonSubTypes} hierarchies by their subtypes with the
 * type id as a one-value {@code enum} property (strict mode has no {@code const}). Remembers the
 * sealed hierarchies without type info, which the mapper must read by deduction. One instance per
 * generated root type.
 */
final class Polymorphism {

    private final Set<Class<?>> deduced = new LinkedHashSet<>();

    /** Returns the sealed types without {@code @JsonTypeInfo} met so far: read by deduction. */
    Set<Class<?>> deducedHierarchies() {
        return deduced;
    }

    /** Lists the subtypes of an abstract type, null for a concrete one. */
    List<ResolvedType> subtypes(ResolvedType type, SchemaGenerationContext ctx) {
        Class<?> c = type.getErasedType();
        if (!isAbstract(c) || c.isPrimitive() || c.isArray() || isPlatform(c)) {
            return null;
        }
        List<Class<?>> subs = new ArrayList<>();
        JsonTypeInfo info = c.getAnnotation(JsonTypeInfo.class);
        JsonSubTypes declared = c.getAnnotation(JsonSubTypes.class);
        if (declared != null) {
            for (JsonSubTypes.Type t : declared.value()) {
                subs.add(t.value());
            }
        } else if (c.isSealed()) {
            subs.addAll(List.of(c.getPermittedSubclasses()));
        } else {
            throw new IllegalArgumentException(c.getName() + " is abstract and its subtypes are unknown: "
                    + "make it sealed, or annotate it with @JsonTypeInfo and @JsonSubTypes");
        }
        if (info != null) {
            checkTypeInfo(c, info);
        } else {
            deduced.add(c);
        }
        List<ResolvedType> resolved = new ArrayList<>(subs.size());
        for (Class<?> s : subs) {
            resolved.add(ctx.getTypeContext().resolveSubtype(type, s));
        }
        return resolved;
    }

    /** Adds the type-id property to a subtype's object schema when an ancestor asks for one. */
    void addDiscriminator(ObjectNode node, Class<?> type) {
        if (!node.has("properties") || isAbstract(type)) {
            return;
        }
        for (Class<?> ancestor : ancestors(type)) {
            JsonTypeInfo info = ancestor.getAnnotation(JsonTypeInfo.class);
            if (info == null || info.use() == JsonTypeInfo.Id.DEDUCTION || info.use() == JsonTypeInfo.Id.NONE) {
                continue;
            }
            checkTypeInfo(ancestor, info);
            String property = info.property().isEmpty() ? info.use().getDefaultPropertyName() : info.property();
            List<String> ids = typeIds(ancestor, type);
            ObjectNode idSchema = JsonNodeFactory.instance.objectNode().put("type", "string");
            ArrayNode values = idSchema.putArray("enum");
            ids.forEach(values::add);
            ObjectNode properties = (ObjectNode) node.get("properties");
            ObjectNode reordered = JsonNodeFactory.instance.objectNode();
            reordered.set(property, idSchema);
            properties.properties().forEach(e -> {
                if (!e.getKey().equals(property)) {
                    reordered.set(e.getKey(), e.getValue());
                }
            });
            node.set("properties", reordered);
            ArrayNode required = JsonNodeFactory.instance.arrayNode().add(property);
            if (node.get("required") instanceof ArrayNode old) {
                old.forEach(r -> {
                    if (!r.asString().equals(property)) {
                        required.add(r);
                    }
                });
            }
            node.set("required", required);
            return;
        }
    }

    private static void checkTypeInfo(Class<?> c, JsonTypeInfo info) {
        if (info.use() != JsonTypeInfo.Id.NAME && info.use() != JsonTypeInfo.Id.SIMPLE_NAME
                && info.use() != JsonTypeInfo.Id.DEDUCTION) {
            throw new IllegalArgumentException(c.getName() + " uses @JsonTypeInfo(use = " + info.use()
                    + "): a model cannot be asked for Java class names; use Id.NAME, Id.SIMPLE_NAME or Id.DEDUCTION");
        }
        if (info.use() != JsonTypeInfo.Id.DEDUCTION && info.include() != JsonTypeInfo.As.PROPERTY
                && info.include() != JsonTypeInfo.As.EXISTING_PROPERTY) {
            throw new IllegalArgumentException(c.getName() + " uses @JsonTypeInfo(include = " + info.include()
                    + "): only As.PROPERTY and As.EXISTING_PROPERTY are supported for typed outputs");
        }
    }

    /** Returns the ids Jackson accepts for {@code sub} under {@code base}, the first being the one it writes. */
    private static List<String> typeIds(Class<?> base, Class<?> sub) {
        List<String> ids = new ArrayList<>();
        JsonSubTypes declared = base.getAnnotation(JsonSubTypes.class);
        if (declared != null) {
            for (JsonSubTypes.Type t : declared.value()) {
                if (t.value() == sub) {
                    if (!t.name().isEmpty()) {
                        ids.add(t.name());
                    }
                    ids.addAll(List.of(t.names()));
                }
            }
        }
        if (ids.isEmpty()) {
            JsonTypeName name = sub.getAnnotation(JsonTypeName.class);
            ids.add(name != null && !name.value().isEmpty() ? name.value() : defaultTypeId(sub));
        }
        return ids;
    }

    /** Jackson's default type id for {@code Id.NAME}: the class name after the last '.' or '$'. */
    private static String defaultTypeId(Class<?> c) {
        String n = c.getName();
        return n.substring(Math.max(n.lastIndexOf('.'), n.lastIndexOf('$')) + 1);
    }

    private static List<Class<?>> ancestors(Class<?> type) {
        List<Class<?>> out = new ArrayList<>();
        collect(type, out);
        out.remove(type);
        return out;
    }

    private static void collect(Class<?> c, List<Class<?>> out) {
        if (c == null || c == Object.class || out.contains(c)) {
            return;
        }
        out.add(c);
        collect(c.getSuperclass(), out);
        for (Class<?> i : c.getInterfaces()) {
            collect(i, out);
        }
    }

    private static boolean isAbstract(Class<?> c) {
        return c.isInterface() || Modifier.isAbstract(c.getModifiers());
    }

    private static boolean isPlatform(Class<?> c) {
        String n = c.getName();
        return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("tools.jackson.")
                || n.startsWith("com.fasterxml.");
    }
}
