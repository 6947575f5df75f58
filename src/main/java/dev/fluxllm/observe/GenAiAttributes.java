package dev.fluxllm.observe;

import java.util.List;

/**
 * The OpenTelemetry GenAI semantic-convention names that {@link ObservationListener} writes: span
 * (observation) attribute keys, metric names, their units and their explicit bucket boundaries.
 */
public final class GenAiAttributes {

    private GenAiAttributes() {
    }

    /** The observation's name; its contextual (span) name is {@code {operation} {model}}. */
    public static final String OBSERVATION_NAME = "gen_ai.client.operation";

    public static final String OPERATION_NAME = "gen_ai.operation.name";
    public static final String PROVIDER_NAME = "gen_ai.provider.name";
    public static final String REQUEST_MODEL = "gen_ai.request.model";
    public static final String REQUEST_TEMPERATURE = "gen_ai.request.temperature";
    public static final String REQUEST_TOP_P = "gen_ai.request.top_p";
    public static final String REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
    public static final String REQUEST_FREQUENCY_PENALTY = "gen_ai.request.frequency_penalty";
    public static final String REQUEST_PRESENCE_PENALTY = "gen_ai.request.presence_penalty";
    public static final String REQUEST_STOP_SEQUENCES = "gen_ai.request.stop_sequences";
    public static final String REQUEST_SEED = "gen_ai.request.seed";
    public static final String REQUEST_CHOICE_COUNT = "gen_ai.request.choice.count";
    public static final String REQUEST_ENCODING_FORMATS = "gen_ai.request.encoding_formats";
    public static final String RESPONSE_MODEL = "gen_ai.response.model";
    public static final String RESPONSE_ID = "gen_ai.response.id";
    public static final String RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
    public static final String USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
    public static final String USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
    public static final String CONVERSATION_ID = "gen_ai.conversation.id";
    public static final String INPUT_MESSAGES = "gen_ai.input.messages";
    public static final String OUTPUT_MESSAGES = "gen_ai.output.messages";
    public static final String SYSTEM_INSTRUCTIONS = "gen_ai.system_instructions";
    public static final String TOOL_NAME = "gen_ai.tool.name";
    public static final String TOOL_CALL_ID = "gen_ai.tool.call.id";
    public static final String TOOL_TYPE = "gen_ai.tool.type";
    public static final String TOOL_CALL_ARGUMENTS = "gen_ai.tool.call.arguments";
    public static final String TOOL_CALL_RESULT = "gen_ai.tool.call.result";
    public static final String TOKEN_TYPE = "gen_ai.token.type";
    public static final String SERVER_ADDRESS = "server.address";
    public static final String SERVER_PORT = "server.port";
    public static final String ERROR_TYPE = "error.type";
    /** FluxLLM's own: the request id of {@link dev.fluxllm.LlmListener#REQUEST_ID_KEY}. */
    public static final String FLUXLLM_REQUEST_ID = "fluxllm.request_id";
    /** FluxLLM's own: the client's name. */
    public static final String FLUXLLM_CLIENT = "fluxllm.client";

    /** Histogram, seconds: whole operations. */
    public static final String METRIC_OPERATION_DURATION = "gen_ai.client.operation.duration";
    /** Histogram, {@code {token}}, tag {@code gen_ai.token.type} = {@code input} or {@code output}. */
    public static final String METRIC_TOKEN_USAGE = "gen_ai.client.token.usage";
    /** Histogram, seconds: subscription to the first chunk that carries output (streams only). */
    public static final String METRIC_TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";
    /** Histogram, seconds: the gap before each output chunk after the first (streams only). */
    public static final String METRIC_TIME_PER_OUTPUT_CHUNK = "gen_ai.client.operation.time_per_output_chunk";

    /** Bucket boundaries of the duration and time-to-first-chunk histograms, in seconds. */
    public static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28,
            2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
    /** Bucket boundaries of the time-per-output-chunk histogram, in seconds. */
    public static final List<Double> CHUNK_BUCKETS = List.of(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4,
            0.5, 0.75, 1.0, 2.5);
    /** Bucket boundaries of the token-usage histogram. */
    public static final List<Double> TOKEN_BUCKETS = List.of(1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0,
            65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0, 67108864.0);
}
