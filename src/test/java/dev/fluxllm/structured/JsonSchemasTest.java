package dev.fluxllm.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.internal.json.Json;
import dev.fluxllm.internal.schema.SchemaCheck;
import dev.fluxllm.internal.schema.TypeBinding;
import dev.fluxllm.structured.Fixtures.Collections;
import dev.fluxllm.structured.Fixtures.Drawing;
import dev.fluxllm.structured.Fixtures.Invoice;
import dev.fluxllm.structured.Fixtures.Line;
import dev.fluxllm.structured.Fixtures.Primitives;
import dev.fluxllm.structured.Fixtures.Priority;
import dev.fluxllm.structured.Fixtures.Times;
import dev.fluxllm.structured.Fixtures.Tree;
import dev.fluxllm.structured.Fixtures.Zoo;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** Each Java type family against its generated schema, strict mode rule by rule, and a validator. */
class JsonSchemasTest {

    static JsonNode schema(Class<?> type) {
        return Json.MAPPER.readTree(JsonSchemas.of(type));
    }

    static JsonNode json(String text) {
        return Json.MAPPER.readTree(text);
    }

    static boolean valid(Class<?> type, String value) {
        return SchemaCheck.compile(schema(type)).validate(json(value)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(classes = {Invoice.class, Primitives.class, Collections.class, Times.class, Tree.class,
            Drawing.class, Zoo.class, Line.class})
    void everyObjectTypeIsFitForStrictMode(Class<?> type) {
        assertThat(StrictRules.broken(schema(type))).isEmpty();
    }

    @Test
    void recordPropertiesAreRequiredInDeclarationOrderWithJacksonNames() {
        JsonNode s = schema(Invoice.class);
        assertThat(s.path("properties").propertyNames())
                .containsExactly("invoice_number", "issued", "priority", "lines", "firstLine");
        assertThat(s.path("required").toString()).contains("invoice_number");
        assertThat(s.path("properties").has("internalId")).as("@JsonIgnore").isFalse();
        assertThat(s.path("additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void descriptionsComeFromJacksonAnnotations() {
        JsonNode line = schema(Line.class);
        assertThat(line.path("description").asString()).isEqualTo("One line of an invoice");
        assertThat(line.at("/properties/item/description").asString()).isEqualTo("What was sold");
    }

    @Test
    void nestedTypesAreDefinitionsReferencedOnce() {
        JsonNode s = schema(Invoice.class);
        assertThat(s.at("/$defs/Line/type").asString()).isEqualTo("object");
        assertThat(s.at("/properties/firstLine/$ref").asString()).isEqualTo("#/$defs/Line");
        assertThat(s.at("/properties/lines/items/$ref").asString()).isEqualTo("#/$defs/Line");
    }

    @Test
    void enumsAreStringEnums() {
        JsonNode s = schema(Invoice.class);
        JsonNode priority = s.at("/properties/priority/$ref").isMissingNode() ? s.at("/properties/priority")
                : s.at(s.at("/properties/priority/$ref").asString().substring(1));
        assertThat(priority.path("enum").toString()).isEqualTo("[\"LOW\",\"MEDIUM\",\"HIGH\"]");
        assertThat(schema(Priority.class).path("enum")).hasSize(3);
    }

    @Test
    void optionalAndBoxedValuesAreNullableUnionsPrimitivesAreNot() {
        JsonNode p = schema(Primitives.class).path("properties");
        assertThat(p.at("/i/type").asString()).isEqualTo("integer");
        assertThat(p.at("/d/type").asString()).isEqualTo("number");
        assertThat(p.at("/b/type").asString()).isEqualTo("boolean");
        assertThat(p.at("/boxedInt/type").toString()).isEqualTo("[\"integer\",\"null\"]");
        assertThat(p.at("/boxedBool/type").toString()).isEqualTo("[\"boolean\",\"null\"]");
        assertThat(schema(Line.class).at("/properties/note/type").toString()).isEqualTo("[\"string\",\"null\"]");
        assertThat(valid(Line.class, "{\"item\":\"a\",\"quantity\":1,\"unitPrice\":2.5,\"note\":null}")).isTrue();
        assertThat(valid(Primitives.class, "{\"i\":null,\"l\":1,\"d\":1,\"f\":1,\"b\":true,\"s\":1,\"by\":1,\"c\":\"x\","
                + "\"boxedInt\":null,\"boxedLong\":null,\"boxedDouble\":null,\"boxedBool\":null}")).isFalse();
    }

    @Test
    void collectionsAndArraysAreArrays() {
        JsonNode p = schema(Collections.class).path("properties");
        assertThat(p.at("/list/items/type").asString()).isEqualTo("string");
        assertThat(p.at("/set/items/type").asString()).isEqualTo("integer");
        assertThat(p.at("/array/items/type").asString()).isEqualTo("string");
        assertThat(p.at("/ints/items/type").asString()).isEqualTo("integer");
        assertThat(p.at("/nested/items/items/type").asString()).isEqualTo("string");
    }

    @Test
    void bigDecimalIsANumber() {
        assertThat(schema(Line.class).at("/properties/unitPrice/type").asString()).isEqualTo("number");
    }

    @Test
    void timeTypesAreStringsWithAFormatOrPattern() {
        JsonNode p = schema(Times.class).path("properties");
        assertThat(p.at("/date/format").asString()).isEqualTo("date");
        assertThat(p.at("/offset/format").asString()).isEqualTo("date-time");
        assertThat(p.at("/instant/format").asString()).isEqualTo("date-time");
        assertThat(p.at("/duration/format").asString()).isEqualTo("duration");
        assertThat(p.at("/id/format").asString()).isEqualTo("uuid");
        // date-time demands an offset a LocalDateTime lacks: a pattern says what it is instead.
        assertThat(p.at("/localDateTime/format").isMissingNode()).isTrue();
        assertThat(p.at("/localDateTime/pattern").asString()).contains("T");
        String ok = "{\"date\":\"2024-05-01\",\"localDateTime\":\"2024-05-01T13:45:00\",\"localTime\":\"13:45\","
                + "\"offset\":\"2024-05-01T13:45:00+02:00\",\"instant\":\"2024-05-01T11:45:00Z\",\"duration\":\"PT1H\","
                + "\"id\":\"123e4567-e89b-12d3-a456-426614174000\"}";
        assertThat(valid(Times.class, ok)).isTrue();
        assertThat(valid(Times.class, ok.replace("2024-05-01\"", "May first\""))).as("date format asserted").isFalse();
    }

    @Test
    void recursiveTypesReferToThemselves() {
        JsonNode s = schema(Tree.class);
        String ref = s.at("/properties/children/items/$ref").asString();
        assertThat(ref).isIn("#", "#/$defs/Tree");
        assertThat(valid(Tree.class, "{\"name\":\"a\",\"children\":[{\"name\":\"b\",\"children\":[]}]}")).isTrue();
        assertThat(valid(Tree.class, "{\"name\":\"a\",\"children\":[{\"name\":\"b\"}]}")).isFalse();
    }

    @Test
    void sealedInterfacesAreAnyOfTheirPermittedRecords() {
        JsonNode s = schema(Drawing.class);
        JsonNode anyOf = s.at("/properties/shapes/items/anyOf");
        assertThat(anyOf).hasSize(2);
        assertThat(valid(Drawing.class, "{\"title\":\"t\",\"shapes\":[{\"radius\":1},{\"side\":2,\"label\":\"s\"}]}")).isTrue();
        assertThat(valid(Drawing.class, "{\"title\":\"t\",\"shapes\":[{\"radius\":1,\"side\":2}]}")).isFalse();
    }

    @Test
    void typeInfoHierarchiesCarryTheirTypeIdAsAOneValueEnum() {
        JsonNode s = schema(Zoo.class);
        assertThat(s.at("/properties/animals/items/anyOf")).hasSize(2);
        JsonNode cat = s.at("/$defs/Cat");
        assertThat(cat.path("properties").propertyNames()).first().isEqualTo("kind");
        assertThat(cat.at("/properties/kind/enum").toString()).isEqualTo("[\"cat\"]");
        assertThat(valid(Zoo.class, "{\"animals\":[{\"kind\":\"cat\",\"name\":\"Tom\",\"lives\":9}]}")).isTrue();
        assertThat(valid(Zoo.class, "{\"animals\":[{\"kind\":\"dog\",\"name\":\"Tom\",\"lives\":9}]}")).isFalse();
    }

    @Test
    void mapsFailNamingTypeFieldAndWhatToUseInstead() {
        assertThatThrownBy(() -> JsonSchemas.of(Fixtures.WithMap.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WithMap.attributes")
                .hasMessageContaining("Map")
                .hasMessageContaining("List of key/value records");
    }

    @Test
    void rawObjectFailsNamingTheField() {
        assertThatThrownBy(() -> JsonSchemas.of(Fixtures.WithObject.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WithObject.anything")
                .hasMessageContaining("use a record");
    }

    @Test
    void abstractTypeWithoutKnownSubtypesFails() {
        assertThatThrownBy(() -> JsonSchemas.of(Fixtures.WithOpen.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Open")
                .hasMessageContaining("sealed");
    }

    @Test
    void classNameTypeIdsFail() {
        assertThatThrownBy(() -> JsonSchemas.of(Fixtures.WithClassNamed.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Id.NAME");
    }

    @Test
    void schemasAreComputedOncePerType() {
        assertThat(TypeBinding.of(Invoice.class)).isSameAs(TypeBinding.of(Invoice.class));
        assertThat(JsonSchemas.of(Invoice.class)).isSameAs(JsonSchemas.of(Invoice.class));
    }

    @Test
    void nonObjectRootsAreWrappedForResponseFormats() {
        TypeBinding<Priority> b = TypeBinding.of(Priority.class);
        assertThat(b.objectRoot()).isFalse();
        JsonNode wrapper = json(b.objectSchemaJson());
        assertThat(StrictRules.broken(wrapper)).isEmpty();
        assertThat(b.mapAnswer(json("{\"value\":\"HIGH\"}"))).isEqualTo(Priority.HIGH);
    }

    @Test
    void listSchemaOfARecursiveTypeStaysResolvable() {
        JsonNode list = json(TypeBinding.of(Tree.class).listSchemaJson());
        assertThat(StrictRules.broken(list)).isEmpty();
        assertThat(SchemaCheck.compile(list).validate(json(
                "{\"items\":[{\"name\":\"a\",\"children\":[{\"name\":\"b\",\"children\":[]}]}]}"))).isEmpty();
        assertThat(SchemaCheck.compile(list).validate(json("{\"items\":[{\"name\":\"a\",\"children\":[{}]}]}"))).isNotEmpty();
    }

    @Test
    void validatedValuesMapBackToTheirTypes() {
        Invoice invoice = TypeBinding.of(Invoice.class).map(json("{\"invoice_number\":\"A-1\",\"issued\":\"2024-05-01\","
                + "\"priority\":\"HIGH\",\"lines\":[],\"firstLine\":{\"item\":\"pen\",\"quantity\":2,\"unitPrice\":1.25,"
                + "\"note\":null}}"));
        assertThat(invoice.number()).isEqualTo("A-1");
        assertThat(invoice.issued()).isEqualTo(LocalDate.of(2024, 5, 1));
        assertThat(invoice.firstLine().unitPrice()).isEqualByComparingTo(new BigDecimal("1.25"));
        assertThat(invoice.firstLine().note()).isEqualTo(Optional.empty());
        Drawing drawing = TypeBinding.of(Drawing.class).map(json(
                "{\"title\":\"t\",\"shapes\":[{\"radius\":1},{\"side\":2,\"label\":\"s\"}]}"));
        assertThat(drawing.shapes()).containsExactly(new Fixtures.Circle(1), new Fixtures.Square(2, "s"));
        Zoo zoo = TypeBinding.of(Zoo.class).map(json("{\"animals\":[{\"kind\":\"dog\",\"name\":\"Rex\",\"goodBoy\":true}]}"));
        assertThat(zoo.animals()).containsExactly(new Fixtures.Dog("Rex", true));
        assertThat(List.of(JsonSchemas.of(Tree.class))).isNotEmpty();
    }
}
