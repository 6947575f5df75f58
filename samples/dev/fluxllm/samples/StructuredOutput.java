package dev.fluxllm.samples;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Extracts a Java record from free text ({@code generate(request, Contact.class)}), then streams
 * the elements of a list answer ({@code streamElements(request, Task.class)}), each printed the
 * moment the model closed it, long before the answer is complete.
 * <pre>
 * mvn -q test-compile exec:java -Dsample=StructuredOutput
 * </pre>
 */
public final class StructuredOutput {

    /** What the model extracts from the e-mail. */
    record Contact(String name, String company, @JsonPropertyDescription("E-mail address") String email,
                   Optional<String> phone) {
    }

    enum Priority { LOW, MEDIUM, HIGH }

    /** One item of the task list the model writes. */
    record Task(String title, Priority priority, @JsonPropertyDescription("ISO date, e.g. 2025-01-31") LocalDate due) {
    }

    static final String EMAIL = "Hi, this is Ada Lovelace from Analytical Engines Ltd. Reach me at ada@engines.example "
            + "(no phone, I prefer mail). Next week we must ship the parser, review the release notes and book the venue.";

    static final String CONTACT = "{\"name\":\"Ada Lovelace\",\"company\":\"Analytical Engines Ltd\","
            + "\"email\":\"ada@engines.example\",\"phone\":null}";

    static final String TASKS = "{\"items\":["
            + "{\"title\":\"Ship the parser\",\"priority\":\"HIGH\",\"due\":\"2025-03-14\"},"
            + "{\"title\":\"Review the release notes\",\"priority\":\"MEDIUM\",\"due\":\"2025-03-12\"},"
            + "{\"title\":\"Book the venue\",\"priority\":\"LOW\",\"due\":\"2025-03-20\"}]}";

    private static final Duration LIMIT = Duration.ofSeconds(90);

    private StructuredOutput() {
    }

    public static void main(String[] args) {
        System.exit(SampleEnvironment.runMain(StructuredOutput::script, StructuredOutput::run));
    }

    static void script(ScriptedLlmServer server) {
        server.enqueue(Reply.text(CONTACT));
        // Small pieces with a pause, so that the elements visibly arrive one by one.
        server.enqueue(Reply.text(TASKS).chunkSize(6).delay(Duration.ofMillis(5)));
    }

    static void run(SampleEnvironment env, PrintStream out) {
        Contact contact = env.client().generate(ChatRequest.builder()
                .system("Extract the sender's contact details.").user(EMAIL).build(), Contact.class).block(LIMIT);
        out.println("contact: " + contact);

        long start = System.nanoTime();
        List<Task> tasks = env.client().streamElements(ChatRequest.builder()
                        .system("List the tasks in the e-mail, with a priority and a due date.").user(EMAIL).build(), Task.class)
                .doOnNext(task -> out.printf("task after %d ms: %s%n", (System.nanoTime() - start) / 1_000_000, task))
                .collectList()
                .block(LIMIT);
        out.println(tasks.size() + " tasks, each validated against the Task schema as it arrived");
    }
}
