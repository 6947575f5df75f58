package dev.fluxllm.structured;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Java types of every family the schema generator must handle. */
final class Fixtures {

    private Fixtures() {
    }

    enum Priority { LOW, MEDIUM, HIGH }

    @JsonClassDescription("One line of an invoice")
    record Line(@JsonPropertyDescription("What was sold") String item, int quantity, BigDecimal unitPrice,
                Optional<String> note) {
    }

    record Invoice(@JsonProperty("invoice_number") String number, LocalDate issued, Priority priority,
                   List<Line> lines, Line firstLine, @JsonIgnore String internalId) {
    }

    record Primitives(int i, long l, double d, float f, boolean b, short s, byte by, char c,
                      Integer boxedInt, Long boxedLong, Double boxedDouble, Boolean boxedBool) {
    }

    record Collections(List<String> list, Set<Integer> set, String[] array, int[] ints, List<List<String>> nested) {
    }

    record Times(LocalDate date, LocalDateTime localDateTime, LocalTime localTime, OffsetDateTime offset,
                 Instant instant, Duration duration, UUID id) {
    }

    record Tree(String name, List<Tree> children) {
    }

    sealed interface Shape permits Circle, Square {
    }

    record Circle(double radius) implements Shape {
    }

    record Square(double side, String label) implements Shape {
    }

    record Drawing(String title, List<Shape> shapes) {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({@JsonSubTypes.Type(value = Cat.class, name = "cat"), @JsonSubTypes.Type(value = Dog.class, name = "dog")})
    interface Animal {
    }

    record Cat(String name, int lives) implements Animal {
    }

    record Dog(String name, boolean goodBoy) implements Animal {
    }

    record Zoo(List<Animal> animals) {
    }

    record WithMap(String name, Map<String, String> attributes) {
    }

    record WithObject(Object anything) {
    }

    interface Open {
    }

    record WithOpen(Open open) {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    @JsonSubTypes(@JsonSubTypes.Type(ClassNamed.class))
    interface ByClassName {
    }

    record ClassNamed(String x) implements ByClassName {
    }

    record WithClassNamed(ByClassName value) {
    }
}
