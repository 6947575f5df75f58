package dev.fluxllm.samples;

import dev.fluxllm.ModelInfo;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sets up what every sample needs: a client, and the model to ask.
 *
 * <p>With {@code OPENAI_BASE_URL} set, the client talks to that server, with the key from
 * {@code OPENAI_API_KEY} (optional) and the model from {@code OPENAI_MODEL} (when unset: the first
 * model the server lists). Without it, the sample starts an embedded {@link ScriptedLlmServer}
 * that plays the model from the sample's script, and says so on stderr, so every sample runs
 * offline:
 * <pre>
 * mvn -q test-compile exec:java -Dsample=ToolCalling
 * OPENAI_BASE_URL=http://127.0.0.1:8000/v1 OPENAI_MODEL=qwen2.5-1.5b mvn -q test-compile exec:java
 * </pre>
 */
public final class SampleEnvironment implements AutoCloseable {

    public static final String BASE_URL_VARIABLE = "OPENAI_BASE_URL";
    public static final String API_KEY_VARIABLE = "OPENAI_API_KEY";
    public static final String MODEL_VARIABLE = "OPENAI_MODEL";

    /** Longest wait for the model list when OPENAI_MODEL is unset. */
    private static final Duration MODELS_TIMEOUT = Duration.ofSeconds(15);

    /** The body of a sample, run against a ready environment. */
    @FunctionalInterface
    public interface Sample {
        void run(SampleEnvironment env, PrintStream out) throws Exception;
    }

    private final OpenAiCompatClient client;
    private final String model;
    private final ScriptedLlmServer server;

    private SampleEnvironment(OpenAiCompatClient client, String model, ScriptedLlmServer server) {
        this.client = client;
        this.model = model;
        this.server = server;
    }

    /**
     * Runs a sample from its {@code main}: sets up from the environment variables, runs it, and
     * returns the exit code (0 on success, 1 after printing the failure on stderr).
     */
    public static int runMain(Consumer<ScriptedLlmServer> script, Sample sample) {
        try (SampleEnvironment env = from(System.getenv(), script, System.err)) {
            env.warmUp(System.err);
            sample.run(env, System.out);
            System.out.flush();
            return 0;
        } catch (Exception e) {
            System.out.flush();
            System.err.println();
            System.err.println("Sample failed: " + e);
            return 1;
        }
    }

    /**
     * Sets up from {@code env}: the server named by {@value #BASE_URL_VARIABLE}, or an embedded
     * server scripted by {@code script} when it is unset or blank (announced on {@code err}).
     */
    public static SampleEnvironment from(Map<String, String> env, Consumer<ScriptedLlmServer> script, PrintStream err) {
        String baseUrl = env.get(BASE_URL_VARIABLE);
        if (baseUrl == null || baseUrl.isBlank()) {
            err.println("[sample] " + BASE_URL_VARIABLE + " is not set: using an embedded ScriptedLlmServer"
                    + " that plays the model from this sample's script.");
            return embedded(script);
        }
        String url = baseUrl.strip();
        String model = env.getOrDefault(MODEL_VARIABLE, "").strip();
        if (model.isEmpty()) {
            model = firstListedModel(url);
            err.println("[sample] " + MODEL_VARIABLE + " is not set: using " + model
                    + ", the first model the server lists.");
        }
        OpenAiCompatClient client = clientBuilder(url)
                .apiKeyFromEnv(API_KEY_VARIABLE) // unset: no key is sent, fine for local servers
                .defaultModel(model)
                .build();
        err.println("[sample] using " + client.baseUrl() + ", model " + model);
        return new SampleEnvironment(client, model, null);
    }

    /** Starts an embedded {@link ScriptedLlmServer}, lets {@code script} set its replies, and points a client at it. */
    public static SampleEnvironment embedded(Consumer<ScriptedLlmServer> script) {
        ScriptedLlmServer server = ScriptedLlmServer.start();
        try {
            script.accept(server);
            OpenAiCompatClient client = clientBuilder(server.baseUrl())
                    .defaultModel(ScriptedLlmServer.DEFAULT_MODEL)
                    .build();
            return new SampleEnvironment(client, ScriptedLlmServer.DEFAULT_MODEL, server);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Every sample's client: bounded timeouts, so a sample can never hang on a silent server. */
    private static OpenAiCompatClient.Builder clientBuilder(String baseUrl) {
        return OpenAiCompatClient.builder()
                .name("sample")
                .baseUrl(baseUrl)
                .connectTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(60))
                .streamIdleTimeout(Duration.ofSeconds(30));
    }

    private static String firstListedModel(String baseUrl) {
        List<ModelInfo> models;
        try (OpenAiCompatClient lister = clientBuilder(baseUrl).apiKeyFromEnv(API_KEY_VARIABLE).build()) {
            models = lister.models().block(MODELS_TIMEOUT);
        }
        if (models == null || models.isEmpty()) {
            throw new IllegalStateException("the server lists no models: set " + MODEL_VARIABLE);
        }
        return models.get(0).id();
    }

    /**
     * Lists the models once before the sample starts: the first call of a JVM loads classes and
     * opens a connection, which would otherwise count in the sample's timings. A server without
     * {@code /models} only gets a warning.
     */
    void warmUp(PrintStream err) {
        try {
            client.models().block(MODELS_TIMEOUT);
        } catch (RuntimeException e) {
            err.println("[sample] listing the models failed, going on anyway: " + e.getMessage());
        }
    }

    /** Returns the client, with the model as its default model. */
    public OpenAiCompatClient client() {
        return client;
    }

    /** Returns the model the samples ask. */
    public String model() {
        return model;
    }

    /** Returns whether the samples talk to the embedded scripted server rather than a real one. */
    public boolean isEmbedded() {
        return server != null;
    }

    /**
     * Returns the embedded server, for tests.
     *
     * @throws IllegalStateException when the environment uses a real server
     */
    public ScriptedLlmServer server() {
        if (server == null) {
            throw new IllegalStateException("no embedded server: " + BASE_URL_VARIABLE + " is set");
        }
        return server;
    }

    /** Closes the client, then the embedded server if there is one. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
