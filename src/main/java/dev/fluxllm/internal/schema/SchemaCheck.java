package dev.fluxllm.internal.schema;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import com.networknt.schema.path.PathType;
import dev.fluxllm.SchemaViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/** Validates JSON values against one compiled JSON Schema (draft 2020-12, formats asserted). */
public final class SchemaCheck {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder()
                    .formatAssertionsEnabled(true)
                    .pathType(PathType.JSON_POINTER)
                    .locale(Locale.ROOT)
                    .build()));

    /** Most violations reported for one value: a wholly wrong answer would otherwise list hundreds. */
    static final int MAX_VIOLATIONS = 20;

    static {
        // The validator reads its message bundle from the jar on the first violation: do it now,
        // while the first binding is built (off the event loops), not on an event loop later.
        try {
            REGISTRY.getSchema(tools.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("type", "string"))
                    .validate(tools.jackson.databind.node.JsonNodeFactory.instance.numberNode(1))
                    .forEach(Error::getMessage);
        } catch (Throwable e) {
            // Only a warm-up: the messages load on first use instead. Never fail the class for it.
        }
    }

    private final Schema schema;

    private SchemaCheck(Schema schema) {
        this.schema = schema;
    }

    /**
     * Compiles {@code schema}, which must be a valid draft 2020-12 schema.
     *
     * @throws IllegalArgumentException when it is not
     */
    public static SchemaCheck compile(JsonNode schema) {
        try {
            Schema compiled = REGISTRY.getSchema(schema);
            compiled.initializeValidators();
            return new SchemaCheck(compiled);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid JSON Schema: " + e.getMessage(), e);
        }
    }

    /** Returns how {@code value} breaks the schema, empty when it conforms. */
    public List<SchemaViolation> validate(JsonNode value) {
        List<Error> errors = schema.validate(value);
        if (errors.isEmpty()) {
            return List.of();
        }
        List<SchemaViolation> out = new ArrayList<>(Math.min(errors.size(), MAX_VIOLATIONS));
        for (Error e : errors) {
            if (out.size() == MAX_VIOLATIONS) {
                break;
            }
            out.add(new SchemaViolation(pointer(e.getInstanceLocation()), e.getMessage()));
        }
        return List.copyOf(out);
    }

    /** Writes a node path as a JSON pointer (RFC 6901), whatever path type the library prints. */
    static String pointer(NodePath path) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            b.append('/').append(String.valueOf(element).replace("~", "~0").replace("/", "~1"));
        }
        return b.toString();
    }
}
