package dev.fluxllm.samples;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.testkit.RecordedRequest;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * Composes LLM calls the way a reactive service does: two calls run in parallel
 * ({@code Mono.zip}) and feed a third; each call has a time budget and a fallback, so a slow or
 * failing model degrades the answer instead of failing it. Runs twice: once with every call in
 * time, once with a budget the packing call cannot meet, to show the fallback path.
 * <pre>
 * mvn -q test-compile exec:java -Dsample=ComposeCalls
 * </pre>
 */
public final class ComposeCalls {

    static final String CITY = "Lisbon";

    /** Budget of each call in the first round. */
    static final Duration CALL_BUDGET = Duration.ofSeconds(30);

    /** Budget of the packing call in the second round: a real model rarely answers this fast. */
    static final Duration TIGHT_BUDGET = Duration.ofMillis(100);

    static final String PACKING_FALLBACK = "comfortable shoes, a light jacket and a water bottle";

    /** One answer in the composition, and where it came from: the model, or a fallback (and why). */
    record Part(String name, String text, String source) {
    }

    /** What the service returns: the two parallel answers and the plan written from them. */
    record DayPlan(Part highlights, Part packing, Part plan) {
    }

    private ComposeCalls() {
    }

    public static void main(String[] args) {
        System.exit(SampleEnvironment.runMain(ComposeCalls::script, ComposeCalls::run));
    }

    static void run(SampleEnvironment env, PrintStream out) {
        out.println("== Round 1: a day in " + CITY + ", every call within its budget");
        runRound(env.client(), CALL_BUDGET, out);
        out.println("== Round 2: the same, but the packing call gets only " + TIGHT_BUDGET.toMillis() + " ms");
        runRound(env.client(), TIGHT_BUDGET, out);
    }

    private static void runRound(OpenAiCompatClient client, Duration packingBudget, PrintStream out) {
        long start = System.nanoTime();
        // block() only here, at the edge: a web handler would return the Mono instead.
        DayPlan day = planDay(client, CITY, packingBudget).block(CALL_BUDGET.multipliedBy(3));
        long millis = (System.nanoTime() - start) / 1_000_000;
        for (Part part : new Part[] {day.highlights(), day.packing(), day.plan()}) {
            out.printf(Locale.ROOT, "   %-10s [%s] %s%n", part.name(), part.source(), part.text());
        }
        out.println("   took " + millis + " ms; highlights and packing ran in parallel");
    }

    /** The service's logic: nothing runs until the returned Mono is subscribed. */
    static Mono<DayPlan> planDay(OpenAiCompatClient client, String city, Duration packingBudget) {
        Mono<Part> highlights = ask(client, "highlights",
                "Name three highlights of " + city + " in one sentence.", CALL_BUDGET,
                "the old town, the main museum and the best viewpoint");
        Mono<Part> packing = ask(client, "packing",
                "What should I pack for a day of walking in " + city + "? One short sentence.", packingBudget,
                PACKING_FALLBACK);
        return Mono.zip(highlights, packing) // subscribes to both at once: the two calls overlap
                .flatMap(parts -> {
                    Part h = parts.getT1();
                    Part p = parts.getT2();
                    String prompt = "Write a two-sentence plan for a day in " + city + ".\n"
                            + "Highlights: " + h.text() + "\n"
                            + "Packing: " + p.text();
                    // The plan has a fallback too: the two answers we already have.
                    return ask(client, "plan", prompt, CALL_BUDGET, "See " + h.text() + "; bring " + p.text() + ".")
                            .map(plan -> new DayPlan(h, p, plan));
                });
    }

    /** Asks one question; on timeout or on an API error (after the client's retries) answers with the fallback. */
    static Mono<Part> ask(OpenAiCompatClient client, String name, String prompt, Duration budget, String fallback) {
        ChatRequest request = ChatRequest.builder().user(prompt).maxTokens(200).build();
        return client.generate(request)
                .map(response -> new Part(name, response.text().strip(), "model"))
                .timeout(budget) // cancelling the call closes its connection: the server stops too
                // Only failures of the call itself; a bug in our own code should still fail loudly.
                .onErrorResume(e -> e instanceof TimeoutException || e instanceof OpenAiCompatException,
                        e -> Mono.just(new Part(name, fallback, "fallback: " + reason(e, budget))));
    }

    private static String reason(Throwable e, Duration budget) {
        return e instanceof TimeoutException
                ? "no answer within " + budget.toMillis() + " ms"
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    // ---- the embedded server's script --------------------------------------------------------

    /**
     * Plays the model when no real server is configured. The two first calls arrive together, in
     * either order, so replies are chosen by question rather than queued; the second packing
     * question never gets an answer, like a request stuck on an overloaded backend.
     */
    static void script(ScriptedLlmServer server) {
        AtomicInteger packingQuestions = new AtomicInteger();
        server.setDefault(Reply.from(request -> answer(request, packingQuestions)));
    }

    private static Reply answer(RecordedRequest request, AtomicInteger packingQuestions) {
        String question = request.lastUserMessage();
        if (question.startsWith("Name three highlights")) {
            return Reply.text("The Belém Tower, the Alfama's steep lanes and the view from the São Jorge castle.");
        }
        if (question.startsWith("What should I pack")) {
            return packingQuestions.incrementAndGet() == 1
                    ? Reply.text("Sneakers for the hills, sunscreen and a light sweater for the evening breeze.")
                    : Reply.hang();
        }
        String packing = question.substring(question.indexOf("Packing: ") + "Packing: ".length());
        return Reply.text("Start at the Belém Tower in the morning, climb through the Alfama after lunch and watch"
                + " the sunset from the castle. Bring: " + packing);
    }
}
