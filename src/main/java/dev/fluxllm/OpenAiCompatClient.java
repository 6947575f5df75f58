package dev.fluxllm;

import dev.fluxllm.batch.Batch;
import dev.fluxllm.batch.BatchOptions;
import dev.fluxllm.batch.BatchResult;
import dev.fluxllm.responses.Response;
import dev.fluxllm.responses.ResponseEvent;
import dev.fluxllm.responses.ResponseRequest;
import dev.fluxllm.responses.Responses;
import dev.fluxllm.structured.StructuredOutputs;
import dev.fluxllm.internal.chat.ChatApi;
import dev.fluxllm.internal.endpoints.ClientParts;
import dev.fluxllm.internal.endpoints.Completions;
import dev.fluxllm.internal.endpoints.Embeddings;
import dev.fluxllm.internal.endpoints.EndpointCalls;
import dev.fluxllm.internal.endpoints.GenericBodies;
import dev.fluxllm.internal.endpoints.RawEventDecoder;
import dev.fluxllm.internal.endpoints.Scores;
import dev.fluxllm.internal.error.ExceptionFactory;
import dev.fluxllm.internal.error.Secrets;
import dev.fluxllm.internal.observe.CallTracer;
import dev.fluxllm.internal.observe.Glob;
import dev.fluxllm.internal.transport.HttpTransport;
import dev.fluxllm.internal.transport.TlsSettings;
import dev.fluxllm.internal.transport.TransportConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.TrustManagerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Talks to one server that speaks the OpenAI HTTP API (OpenAI, vLLM, SGLang, llama.cpp, Ollama,
 * LM Studio, TGI, OpenRouter, Groq, Mistral, Azure, ...), without blocking.
 *
 * <p>A client owns a connection pool and is expensive to create: build one per server and share
 * it; it is thread-safe. {@link #close()} frees its pool. Every method returns a cold publisher:
 * nothing is sent before subscription, and each subscription sends the request afresh.
 *
 * <pre>{@code
 * OpenAiCompatClient client = OpenAiCompatClient.builder()
 *     .baseUrl("http://127.0.0.1:8000/v1")
 *     .defaultModel("qwen2.5-1.5b")
 *     .build();
 * client.stream(ChatRequest.builder().user("Hello").build())
 *     .as(ChatStreams::text)
 *     .subscribe(System.out::print);
 * }</pre>
 */
public final class OpenAiCompatClient implements AutoCloseable {

    /** Default connect timeout: 10 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default wait for response headers: 10 minutes (a non-streaming server answers when done). */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofMinutes(10);
    /** Default longest silence between data events of a stream: 2 minutes. */
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(2);
    /** Default largest server-sent event: 4 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;
    /** Default largest non-streaming response body: 32 MiB. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
    /** Default most connections open at once: 500. */
    public static final int DEFAULT_MAX_CONNECTIONS = 500;
    /** Default most calls waiting for a free connection: 10,000. */
    public static final int DEFAULT_PENDING_ACQUIRE_MAX_COUNT = 10_000;
    /** Default longest wait for a free connection: 45 s. */
    public static final Duration DEFAULT_PENDING_ACQUIRE_TIMEOUT = Duration.ofSeconds(45);
    /** Default longest wait of {@link #health()}: 5 s. */
    public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = Loggers.getLogger(OpenAiCompatClient.class);
    private static final String USER_AGENT = "fluxllm/0.1";

    private final String name;
    private final String baseUrl;
    private final String defaultModel;
    private final String apiKeyEnv;
    private final boolean hasApiKey;
    private final RetryPolicy retryPolicy;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final Duration streamIdleTimeout;
    private final HttpVersion httpVersion;
    private final int maxEventBytes;
    private final Map<String, String> headerNames;
    /** The API key and the values of credential-like headers: never shown in an exception. */
    private final List<String> secrets;
    private final HttpTransport transport;
    private final ChatApi chat;
    private final EndpointCalls endpoints;
    private final Capabilities capabilities;
    private final List<Glob> modelPatterns;
    private final boolean acceptsStreamOptions;
    private final CallTracer tracer;
    private final ClientParts parts;

    static {
        ClientParts.register(client -> client.parts);
    }

    private OpenAiCompatClient(Builder b) {
        this.name = b.name;
        this.baseUrl = b.baseUrl;
        this.defaultModel = b.defaultModel;
        this.apiKeyEnv = b.apiKeyEnv;
        this.hasApiKey = b.apiKey != null;
        this.retryPolicy = b.retryPolicy;
        this.connectTimeout = b.connectTimeout;
        this.responseTimeout = b.responseTimeout;
        this.streamIdleTimeout = b.streamIdleTimeout;
        this.httpVersion = b.httpVersion;
        this.maxEventBytes = b.maxEventBytes;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", USER_AGENT);
        if (b.apiKey != null && b.apiKeyHeader != null) {
            headers.put(b.apiKeyHeader, b.apiKey);
        } else if (b.apiKey != null) {
            headers.put("Authorization", "Bearer " + b.apiKey);
        }
        headers.putAll(b.headers);
        Map<String, String> shown = new LinkedHashMap<>();
        b.headers.keySet().forEach(k -> shown.put(k, "***"));
        this.headerNames = Collections.unmodifiableMap(shown);
        this.secrets = Secrets.of(b.apiKey, headers).values();
        TlsSettings tls = b.trustManagerFactory != null || b.trustAll
                ? new TlsSettings(b.trustManagerFactory, b.trustAll) : null;
        this.transport = new HttpTransport(new TransportConfig(baseUrl, Map.copyOf(headers), b.connectTimeout,
                b.responseTimeout, b.streamIdleTimeout, b.maxResponseBytes, "fluxllm-" + b.name,
                b.maxConnections, b.pendingAcquireMaxCount, b.pendingAcquireTimeout, b.compression, tls,
                b.httpVersion == HttpVersion.HTTP_2),
                query(b.queryParams));
        this.chat = new ChatApi(transport, retryPolicy, maxEventBytes);
        this.endpoints = new EndpointCalls(transport, retryPolicy, maxEventBytes);
        this.capabilities = b.capabilities;
        this.modelPatterns = List.copyOf(b.modelPatterns);
        this.acceptsStreamOptions = b.acceptsStreamOptions;
        this.tracer = new CallTracer(b.listeners, name, baseUrl, this::redact);
        this.parts = new ClientParts(endpoints, tracer, defaultModel, capabilities);
    }

    private static String query(Map<String, String> params) {
        StringJoiner q = new StringJoiner("&");
        params.forEach((k, v) -> q.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return q.toString();
    }

    /** Starts a client; {@code baseUrl} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends a chat completion and emits the whole response. Retries what can be retried with the
     * client's {@link RetryPolicy}. Fails with {@link IllegalArgumentException} before any network
     * call when the request names no model and the client has no default, or has no messages.
     */
    public Mono<ChatResponse> generate(ChatRequest request) {
        return Mono.defer(() -> {
            String model = resolveModel(request);
            return tracer.mono("chat", "/chat/completions", model, request, chat.generate(request, model), ChatResponse::usage);
        });
    }

    /**
     * Asks for a {@code T} and emits it: sends a strict {@code json_schema} response format built
     * from the type ({@code json_object} plus the schema in a system message when
     * {@link Capabilities#jsonSchema()} says the server lacks it), validates the answer against
     * the schema and maps it with Jackson. Fails with
     * {@link dev.fluxllm.structured.StructuredOutputException} (the raw text, the violations, the
     * finish reason) when the answer cannot become a {@code T}, and with
     * {@link dev.fluxllm.structured.RefusalException} when the model refused. Repairs, partial
     * snapshots and other options: {@link dev.fluxllm.structured.StructuredOutputs}.
     *
     * @throws IllegalArgumentException (as the error signal, before anything is sent) when strict
     *         mode cannot express {@code type}
     */
    public <T> Mono<T> generate(ChatRequest request, Class<T> type) {
        return StructuredOutputs.of(this).generate(request, type);
    }

    /**
     * Sends a Responses API request ({@code POST /responses}) and emits the whole response; see
     * {@link Responses#generate(OpenAiCompatClient, ResponseRequest)}.
     */
    public Mono<Response> generate(ResponseRequest request) {
        return Responses.generate(this, request);
    }

    /**
     * Streams a Responses API request as typed events, completing after the terminal event; see
     * {@link Responses#stream(OpenAiCompatClient, ResponseRequest)}.
     */
    public Flux<ResponseEvent> stream(ResponseRequest request) {
        return Responses.stream(this, request);
    }

    /**
     * Asks the Responses API for a {@code T} ({@code text.format} from the type) and emits it,
     * validated and mapped; see {@link Responses#generate(OpenAiCompatClient, ResponseRequest, Class)}.
     */
    public <T> Mono<T> generate(ResponseRequest request, Class<T> type) {
        return Responses.generate(this, request, type);
    }

    /**
     * Streams the elements of a list answer, each validated and mapped to {@code E} the moment its
     * closing bracket arrives; see {@link StructuredOutputs#streamElements}.
     */
    public <E> Flux<E> streamElements(ChatRequest request, Class<E> elementType) {
        return StructuredOutputs.of(this).streamElements(request, elementType);
    }

    /**
     * Streams a chat completion: one {@link ChatChunk} per data event, including role-only and
     * empty-{@code choices} chunks. Completes on {@code [DONE]} (or when the connection closes
     * after every choice finished); a stream cut off earlier fails with
     * {@link MalformedResponseException}, an error event with {@link StreamErrorException}.
     *
     * <p>Reads from the network only as the subscriber requests. Cancelling closes the connection.
     * Retried only until the first chunk reached the subscriber, so no token arrives twice.
     */
    public Flux<ChatChunk> stream(ChatRequest request) {
        // Deferred by a two-field Flux rather than Flux.defer and a lambda: the caller's operators
        // keep their source, so an open stream would keep both.
        return new DeferredFlux<>(this, request, OpenAiCompatClient::streamNow);
    }

    /** Builds the stream of {@link #stream(ChatRequest)} at subscription. */
    private Flux<ChatChunk> streamNow(ChatRequest request) {
        String model = resolveModel(request);
        // Servers that reject unknown fields (Mistral) fail on stream_options.
        ChatRequest sent = !acceptsStreamOptions && Boolean.TRUE.equals(request.includeUsage())
                ? request.toBuilder().includeUsage(false).build() : request;
        return tracer.flux("chat.stream", "/chat/completions", model, sent, chat.stream(sent, model),
                OpenAiCompatClient::carriesTokens, ChatChunk::usage);
    }

    private static boolean carriesTokens(ChatChunk chunk) {
        // Indexed: the for-each iterator was not scalar-replaced here, 32 B per chunk.
        List<ChunkChoice> choices = chunk.choices();
        for (int i = 0; i < choices.size(); i++) {
            ChunkChoice c = choices.get(i);
            if (!c.content().isEmpty() || !c.reasoning().isEmpty() || !c.toolCalls().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sends many requests within the limits of {@code options} and emits exactly one
     * {@link BatchResult} per input; see {@link Batch#run}. Inputs are pulled only as slots free up.
     */
    public Flux<BatchResult> generateAll(Flux<ChatRequest> requests, BatchOptions options) {
        return Batch.run(requests, this::generate, options);
    }

    /** Lists the models the server offers ({@code GET /models}). */
    public Mono<List<ModelInfo>> models() {
        return tracer.mono("models", "/models", null, chat.models(), m -> null);
    }

    /**
     * Embeds one text or several ({@code POST /embeddings}); float and base64 answers both arrive as
     * {@code float[]}. Retried like {@link #generate}. Fails with {@link IllegalArgumentException}
     * before any network call when neither the request nor the client names a model.
     */
    public Mono<EmbeddingResponse> embed(EmbeddingRequest request) {
        return Mono.defer(() -> {
            Objects.requireNonNull(request, "request");
            String model = requireModel(request.model());
            return tracer.mono("embeddings", Embeddings.PATH, model, request, endpoints.post(Embeddings.PATH,
                    Embeddings.body(request, model), Embeddings::parse), EmbeddingResponse::usage);
        });
    }

    /**
     * Scores items against a query with SGLang's {@code POST /score}: per item, the probability of
     * each label token. The model is the request's, else the client's default, else not sent.
     */
    public Mono<ScoreResponse> score(ScoreRequest request) {
        return Mono.defer(() -> {
            Objects.requireNonNull(request, "request");
            String model = request.model() != null ? request.model() : defaultModel;
            return tracer.mono("score", Scores.PATH, model, request, endpoints.post(Scores.PATH,
                    Scores.body(request, model), Scores::parse), ScoreResponse::usage);
        });
    }

    /** Sends a legacy text completion ({@code POST /completions}) and emits the whole answer. */
    public Mono<CompletionResponse> complete(CompletionRequest request) {
        return Mono.defer(() -> {
            Objects.requireNonNull(request, "request");
            String model = requireModel(request.model());
            return tracer.mono("completions", Completions.PATH, model, request, endpoints.post(
                    Completions.PATH, Completions.body(request, model, false, acceptsStreamOptions),
                    Completions::parse), CompletionResponse::usage);
        });
    }

    /**
     * Streams a legacy text completion: one {@link CompletionChunk} per data event, with the same
     * end-of-stream, error, retry and cancellation rules as {@link #stream(ChatRequest)}.
     */
    public Flux<CompletionChunk> streamCompletion(CompletionRequest request) {
        return Flux.defer(() -> {
            Objects.requireNonNull(request, "request");
            String model = requireModel(request.model());
            byte[] body = Completions.body(request, model, true, acceptsStreamOptions);
            return tracer.flux("completions.stream", Completions.PATH, model, request, endpoints.stream(Completions.PATH, body,
                            id -> new Completions.StreamDecoder(endpoints.maxEventBytes(), id)),
                    c -> !c.text().isEmpty(), CompletionChunk::usage);
        });
    }

    /**
     * Posts JSON to any endpoint under the base URL with the client's auth, timeouts and retry
     * policy, and reads the 2xx answer as {@code type}: {@code String} and {@code byte[]} get the
     * raw body, {@code JsonNode} the tree, anything else is mapped by Jackson. A {@code String} or
     * {@code byte[]} body is sent as is (it must already be JSON); anything else is written by
     * Jackson; null sends no body. Other statuses fail with their typed exceptions.
     *
     * @param path  the path under the base URL, starting with {@code /}, e.g. {@code /tokenize}
     */
    public <T> Mono<T> post(String path, Object body, Class<T> type) {
        return Mono.defer(() -> {
            String p = GenericBodies.checkPath(path);
            Objects.requireNonNull(type, "type");
            return tracer.mono("post", p, null, endpoints.post(p, GenericBodies.jsonBody(body),
                    reply -> GenericBodies.readAs(reply, type)), v -> null);
        });
    }

    /**
     * Posts JSON to any endpoint that answers with server-sent events and emits them raw (type,
     * data text, id), without interpreting them; {@code data: [DONE]} completes the Flux and is not
     * emitted. Retried only until the first event reached the subscriber; cancelling closes the
     * connection. The body follows the rules of {@link #post} (null sends an empty body).
     */
    public Flux<ServerSentEvent> streamEvents(String path, Object body) {
        return Flux.defer(() -> {
            String p = GenericBodies.checkPath(path);
            byte[] bytes = GenericBodies.jsonBody(body);
            return tracer.flux("events", p, null, endpoints.stream(p, bytes == null ? new byte[0] : bytes,
                    id -> new RawEventDecoder(endpoints.maxEventBytes(), id)), e -> true, e -> null);
        });
    }

    /**
     * Probes the server with one {@code GET /models}, without retries, waiting at most
     * {@link #DEFAULT_HEALTH_TIMEOUT}: 200, 401 and 403 mean reachable. Never fails: an unreachable
     * server is a {@link BackendHealth} with {@code reachable() == false}.
     */
    public Mono<BackendHealth> health() {
        return health(DEFAULT_HEALTH_TIMEOUT);
    }

    /** Probes the server like {@link #health()}, waiting at most {@code timeout}. */
    public Mono<BackendHealth> health(Duration timeout) {
        Duration limit = Objects.requireNonNull(timeout, "timeout");
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return transport.get("/models")
                    .timeout(limit)
                    .map(reply -> {
                        boolean up = reply.status() == 200 || reply.status() == 401 || reply.status() == 403;
                        return new BackendHealth(name, up, reply.status(), Duration.ofNanos(System.nanoTime() - start),
                                up ? null : "HTTP " + reply.status() + " " + reply.reason());
                    })
                    .onErrorResume(e -> Mono.just(new BackendHealth(name, false, 0,
                            Duration.ofNanos(System.nanoTime() - start),
                            e instanceof TimeoutException ? "No answer within " + limit : String.valueOf(e.getMessage()))));
        });
    }

    /**
     * Describes this client: class, default model, backend (name, base URL, the NAME of the API-key
     * variable, retries, model patterns), capabilities, and {@code server} (null: the client manages
     * none). Never contains the API key.
     */
    public ClientDescription describe() {
        return new ClientDescription(getClass().getName(), defaultModel,
                new ClientDescription.Backend(ClientDescription.KIND_OPENAI_COMPATIBLE_HTTP, name, baseUrl,
                        defaultModel, apiKeyEnv, retryPolicy.maxRetries(), modelPatterns()),
                capabilities, null);
    }

    /**
     * Returns whether this client serves {@code model}: one of its {@link Builder#modelPatterns model
     * patterns} matches it, or it is the client's default model.
     */
    public boolean serves(String model) {
        if (model == null) {
            return false;
        }
        if (model.equals(defaultModel)) {
            return true;
        }
        for (Glob g : modelPatterns) {
            if (g.matches(model)) {
                return true;
            }
        }
        return false;
    }

    /** Returns the model patterns as given, empty when none. */
    public List<String> modelPatterns() {
        return modelPatterns.stream().map(Glob::pattern).toList();
    }

    /** Returns the capabilities configured for the backend. */
    public Capabilities capabilities() {
        return capabilities;
    }

    private String requireModel(String model) {
        String m = model != null ? model : defaultModel;
        if (m == null) {
            throw new IllegalArgumentException("model is not set: name one on the request or set the client's defaultModel");
        }
        return m;
    }

    /** Hides the key (and credential headers) that a careless server echoed into an error body. */
    private OpenAiCompatException redact(OpenAiCompatException e) {
        return ExceptionFactory.redact(e, secrets);
    }

    private String resolveModel(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.messages().isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty: add at least one message to the request");
        }
        String model = request.model() != null ? request.model() : defaultModel;
        if (model == null) {
            throw new IllegalArgumentException("model is not set: name one on the request or set the client's defaultModel");
        }
        return model;
    }

    /** Returns the client's name (default {@code default}). */
    public String name() {
        return name;
    }

    /** Returns the base URL, without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Returns the HTTP version this client speaks ({@link HttpVersion#HTTP_1_1} unless set). */
    public HttpVersion httpVersion() {
        return httpVersion;
    }

    /** Returns the default model, null when none. */
    public String defaultModel() {
        return defaultModel;
    }

    /** Returns the name of the environment variable the API key came from, null when none. */
    public String apiKeyEnv() {
        return apiKeyEnv;
    }

    /** Returns the retry policy. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** Returns how many pooled connections are in use right now; 0 when nothing is in flight. */
    public int activeConnections() {
        return transport.activeConnections();
    }

    /**
     * Frees the connection pool. Calls still in flight end at once with a
     * {@link ConnectionException} saying the client was closed; later calls fail the same way.
     */
    @Override
    public void close() {
        transport.close();
    }

    /**
     * Closes the client gracefully, without blocking: from the moment this is subscribed, new calls
     * fail at once with a {@link ConnectionException} saying the client is closing; calls in flight
     * (streams included) may finish until {@code deadline}, when those still running end as with
     * {@link #close()}; then the connection pool is freed. The Mono completes when all that is done.
     * A batch over this client stops taking inputs when its next call is refused.
     */
    public Mono<Void> closeGracefully(Duration deadline) {
        if (deadline == null || deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must be zero or positive, got " + deadline);
        }
        return transport.closeGracefully(deadline);
    }

    /** Frees the connection pool without blocking the caller; calls in flight end as with {@link #close()}. */
    public Mono<Void> closeAsync() {
        return transport.closeAsync();
    }

    @Override
    public String toString() {
        return "OpenAiCompatClient[name=" + name + ", baseUrl=" + baseUrl + ", defaultModel=" + defaultModel
                + ", apiKey=" + (hasApiKey ? "(set" + (apiKeyEnv != null ? " from " + apiKeyEnv : "") + ")" : "(none)")
                + ", headers=" + headerNames.keySet() + ", retryPolicy=" + retryPolicy
                + ", connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout
                + ", streamIdleTimeout=" + streamIdleTimeout + "]";
    }

    /** Builds an {@link OpenAiCompatClient}; every setter validates its value. */
    public static final class Builder {
        private String name = "default";
        private String baseUrl;
        private String apiKey;
        private String apiKeyEnv;
        private String defaultModel;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
        private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
        private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int pendingAcquireMaxCount = DEFAULT_PENDING_ACQUIRE_MAX_COUNT;
        private Duration pendingAcquireTimeout = DEFAULT_PENDING_ACQUIRE_TIMEOUT;
        private boolean compression = true;
        private HttpVersion httpVersion = HttpVersion.HTTP_1_1;
        private TrustManagerFactory trustManagerFactory;
        private boolean trustAll;
        private String apiKeyHeader;
        private final Map<String, String> queryParams = new LinkedHashMap<>();
        private Capabilities capabilities = Capabilities.defaults();
        private final List<Glob> modelPatterns = new ArrayList<>();
        private boolean acceptsStreamOptions = true;
        private final List<LlmListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the server's base URL, e.g. {@code http://127.0.0.1:8000/v1}; the path prefix is
         * kept as given and a trailing slash is dropped. Required.
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = validateUrl(baseUrl);
            return this;
        }

        /** Sets the API key sent as {@code Authorization: Bearer ...}; null for none. */
        public Builder apiKey(String apiKey) {
            if (apiKey != null) {
                checkHeaderValue("apiKey", apiKey);
            }
            this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
            this.apiKeyEnv = null;
            return this;
        }

        /** Reads the API key from an environment variable; when it is unset, no key is sent. */
        public Builder apiKeyFromEnv(String variable) {
            if (variable == null || variable.isBlank()) {
                throw new IllegalArgumentException("apiKeyFromEnv variable name must not be blank");
            }
            apiKey(System.getenv(variable));
            this.apiKeyEnv = variable;
            return this;
        }

        /** Sets the model used when a request names none. */
        public Builder defaultModel(String model) {
            if (model != null && model.isBlank()) {
                throw new IllegalArgumentException("defaultModel must not be blank");
            }
            this.defaultModel = model;
            return this;
        }

        /** Adds a header sent on every call; names and values with CR or LF are refused. */
        public Builder header(String name, String value) {
            if (name == null || name.isBlank() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                throw new IllegalArgumentException("header name must be a visible ASCII token, got: " + name);
            }
            checkHeaderValue("header '" + name + "'", Objects.requireNonNull(value, "header value"));
            headers.put(name, value);
            return this;
        }

        /** Sets the retry policy (default {@link RetryPolicy#defaults()}); {@link RetryPolicy#none()} turns retries off. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** Sets the longest TCP/TLS connect (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /** Sets the longest wait from sending until the response headers arrive (default 10 min). */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = positive("responseTimeout", timeout);
            return this;
        }

        /**
         * Sets the longest silence between data events of a stream, and from the headers to the
         * first event (default 2 min). Keep-alive comments do not count as events. It runs only
         * while the subscriber waits for a chunk it requested: a slow subscriber is not a silent server.
         */
        public Builder streamIdleTimeout(Duration timeout) {
            this.streamIdleTimeout = positive("streamIdleTimeout", timeout);
            return this;
        }

        /** Sets the largest server-sent event; a larger one fails the stream (default 4 MiB). */
        public Builder maxEventBytes(int bytes) {
            this.maxEventBytes = atLeast("maxEventBytes", bytes, 1024);
            return this;
        }

        /** Sets the largest non-streaming body (default 32 MiB). */
        public Builder maxResponseBytes(int bytes) {
            this.maxResponseBytes = atLeast("maxResponseBytes", bytes, 1024);
            return this;
        }

        /** Sets the most connections open at once (default 500). */
        public Builder maxConnections(int max) {
            this.maxConnections = atLeast("maxConnections", max, 1);
            return this;
        }

        /** Sets the most calls that may wait for a free connection; more fail at once (default 10,000). */
        public Builder pendingAcquireMaxCount(int max) {
            this.pendingAcquireMaxCount = atLeast("pendingAcquireMaxCount", max, 1);
            return this;
        }

        /** Sets the longest wait for a free connection (default 45 s). */
        public Builder pendingAcquireTimeout(Duration timeout) {
            this.pendingAcquireTimeout = positive("pendingAcquireTimeout", timeout);
            return this;
        }

        /** Asks for gzip-compressed responses and decodes them (default on). */
        public Builder compression(boolean compression) {
            this.compression = compression;
            return this;
        }

        /**
         * Sets the HTTP version (default {@link HttpVersion#HTTP_1_1}). With {@link HttpVersion#HTTP_2}
         * {@link #maxConnections(int)} counts connections, each carrying as many streams as the
         * server allows.
         */
        public Builder httpVersion(HttpVersion version) {
            this.httpVersion = Objects.requireNonNull(version, "httpVersion");
            return this;
        }

        /** Trusts the certificates this factory trusts for https (default: the JDK's trust store). */
        public Builder trustManagerFactory(TrustManagerFactory factory) {
            this.trustManagerFactory = Objects.requireNonNull(factory, "trustManagerFactory");
            return this;
        }

        /** Trusts any certificate: for tests against self-signed local servers only. */
        public Builder insecureTrustAllCertificates() {
            this.trustAll = true;
            return this;
        }

        /**
         * Sends the API key raw in this header instead of {@code Authorization: Bearer <key>}
         * (Azure OpenAI uses {@code api-key}); default: the Bearer header.
         */
        public Builder apiKeyHeader(String headerName) {
            if (headerName == null || headerName.isBlank()
                    || !headerName.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                throw new IllegalArgumentException("apiKeyHeader must be a visible ASCII token, got: " + headerName);
            }
            this.apiKeyHeader = headerName;
            return this;
        }

        /**
         * Adds a query parameter sent on every call, e.g. Azure's {@code api-version}; encoded here
         * (default: none).
         */
        public Builder queryParam(String name, String value) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("queryParam name must not be blank");
            }
            queryParams.put(name, Objects.requireNonNull(value, "queryParam value"));
            return this;
        }

        /** Sets what the backend can do, reported by {@link #describe()} (default {@link Capabilities#defaults()}). */
        public Builder capabilities(Capabilities capabilities) {
            this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
            return this;
        }

        /**
         * Sets the glob patterns of the models this client serves ({@code *} any characters,
         * {@code ?} one), used by {@link #serves(String)} and {@link dev.fluxllm.routing.LlmRouter}; replaces earlier
         * ones (default: none).
         */
        public Builder modelPatterns(String... patterns) {
            List<Glob> compiled = new ArrayList<>();
            for (String p : Objects.requireNonNull(patterns, "patterns")) {
                compiled.add(Glob.of(p));
            }
            modelPatterns.clear();
            modelPatterns.addAll(compiled);
            return this;
        }

        /**
         * Sets whether the server accepts {@code stream_options}; when false, it is never sent
         * even if a request asks for usage (default true; the Mistral preset sets false).
         */
        public Builder acceptsStreamOptions(boolean accepts) {
            this.acceptsStreamOptions = accepts;
            return this;
        }

        /**
         * Adds a listener told about every call: tracing, logging, metrics (default: none). Several
         * may be added; they are called in order.
         */
        public Builder listener(LlmListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Names the client, for logs and its connection pool (default {@code default}). */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /** Builds the client. */
        public OpenAiCompatClient build() {
            if (baseUrl == null) {
                throw new IllegalArgumentException("baseUrl is required, e.g. http://127.0.0.1:8000/v1");
            }
            if (apiKey != null && baseUrl.toLowerCase(Locale.ROOT).startsWith("http:") && !isLoopback(baseUrl)) {
                log.warn("An API key will be sent over plain HTTP to {}: use https", baseUrl);
            }
            return new OpenAiCompatClient(this);
        }

        private static String validateUrl(String url) {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("baseUrl must not be blank");
            }
            URI uri;
            try {
                uri = new URI(url.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("baseUrl is not a valid URL: " + url + " (" + e.getReason() + ")");
            }
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("baseUrl has unsupported scheme: " + uri.getScheme()
                        + " (expected: http, https) in " + url);
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("baseUrl has no host: " + url);
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("baseUrl must not carry credentials (user:password@host): "
                        + "they would show in logs and errors; use apiKey(...) or header(...)");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("baseUrl must not have a query or fragment: " + url);
            }
            String trimmed = url.trim();
            while (trimmed.endsWith("/")) {
                trimmed = trimmed.substring(0, trimmed.length() - 1);
            }
            return trimmed;
        }

        private static boolean isLoopback(String url) {
            String host = URI.create(url).getHost();
            if (host.equalsIgnoreCase("localhost")) {
                return true;
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            // Only literal addresses are checked: resolving a name here would block.
            if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                return false;
            }
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }

        private static void checkHeaderValue(String what, String value) {
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException(what + " must not contain CR or LF");
            }
        }

        private static Duration positive(String field, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(field + " must be positive, got " + d);
            }
            return d;
        }

        private static int atLeast(String field, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(field + " must be at least " + min + ", got " + value);
            }
            return value;
        }
    }
}
