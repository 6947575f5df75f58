package dev.fluxllm.spring;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatMessage;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.ToolCall;
import dev.fluxllm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;

/**
 * Spring AI's {@link ChatModel} and {@link StreamingChatModel} on top of a FluxLLM client, so that
 * {@code ChatClient}, advisors and chat memory run over FluxLLM's streaming, retries, timeouts and
 * listeners (observations included). The prompt's messages (system, user, assistant with tool
 * calls, tool results) and options (model, temperature, top-p, max tokens, stop sequences,
 * penalties; top-k as the {@code top_k} extra) are sent as a chat completion; the answer's text,
 * tool calls, finish reason, id, model and usage come back as Spring AI's response.
 *
 * <p>{@link #call(Prompt)} blocks, as Spring AI's contract says, waiting at most the client's
 * timeouts; call it off event-loop threads. {@link #stream(Prompt)} does not block: one
 * {@code ChatResponse} per chunk that carries text, tool calls or the finish reason.
 * Spring AI's own tool-calling manager is not used: run tools with {@code dev.fluxllm.tools.ToolLoop}.
 */
public final class FluxLlmChatModel implements ChatModel, StreamingChatModel {

    private final OpenAiCompatClient client;
    private final ChatOptions defaults;

    /** Chats through {@code client}, with no default options. */
    public FluxLlmChatModel(OpenAiCompatClient client) {
        this(client, ChatOptions.builder().model(client.defaultModel()).build());
    }

    /** Chats through {@code client}; {@code defaults} fill what a prompt's options leave unset. */
    public FluxLlmChatModel(OpenAiCompatClient client, ChatOptions defaults) {
        this.client = Objects.requireNonNull(client, "client");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    @Override
    public ChatOptions getDefaultOptions() {
        return defaults;
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        // Spring AI's ChatModel.call is synchronous by contract: the one blocking edge, bounded by the
        // client's own timeouts; reactive callers use stream() (StreamingChatModel) instead.
        dev.fluxllm.ChatResponse r = client.generate(request(prompt)).block();
        Objects.requireNonNull(r, "the client completed without a response");
        AssistantMessage message = AssistantMessage.builder().content(r.text()).toolCalls(toolCalls(r.toolCalls())).build();
        Generation g = new Generation(message, ChatGenerationMetadata.builder().finishReason(r.finishReason()).build());
        return ChatResponse.builder().generations(List.of(g)).metadata(metadata(r.id(), r.model(), r.usage())).build();
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        return Flux.defer(() -> client.stream(request(prompt)))
                .filter(c -> !c.text().isEmpty() || !c.toolCalls().isEmpty() || c.finishReason() != null || c.usage() != null)
                .map(FluxLlmChatModel::chunk);
    }

    private static ChatResponse chunk(ChatChunk c) {
        List<AssistantMessage.ToolCall> calls = new ArrayList<>();
        c.toolCalls().forEach(d -> calls.add(new AssistantMessage.ToolCall(d.id() == null ? "" : d.id(), "function",
                d.name() == null ? "" : d.name(), d.arguments() == null ? "" : d.arguments())));
        AssistantMessage message = AssistantMessage.builder().content(c.text()).toolCalls(calls).build();
        Generation g = new Generation(message, ChatGenerationMetadata.builder().finishReason(c.finishReason()).build());
        return ChatResponse.builder().generations(List.of(g)).metadata(metadata(c.id(), c.model(), c.usage())).build();
    }

    private static ChatResponseMetadata metadata(String id, String model, Usage usage) {
        ChatResponseMetadata.Builder b = new ChatResponseMetadata.Builder().id(id == null ? "" : id)
                .model(model == null ? "" : model);
        if (usage != null) {
            b.usage(new DefaultUsage((int) usage.promptTokens(), (int) usage.completionTokens(), (int) usage.totalTokens()));
        }
        return b.build();
    }

    private static List<AssistantMessage.ToolCall> toolCalls(List<ToolCall> calls) {
        List<AssistantMessage.ToolCall> out = new ArrayList<>(calls.size());
        calls.forEach(t -> out.add(new AssistantMessage.ToolCall(t.id(), "function", t.name(), t.arguments())));
        return out;
    }

    /** Builds the chat request a prompt stands for. */
    ChatRequest request(Prompt prompt) {
        ChatRequest.Builder b = ChatRequest.builder();
        for (Message m : prompt.getInstructions()) {
            switch (m.getMessageType()) {
                case SYSTEM -> b.system(m.getText());
                case USER -> b.user(m.getText());
                case ASSISTANT -> {
                    AssistantMessage a = (AssistantMessage) m;
                    if (a.hasToolCalls()) {
                        List<ToolCall> calls = a.getToolCalls().stream()
                                .map(t -> new ToolCall(t.id(), t.name(), t.arguments())).toList();
                        b.message(ChatMessage.assistant(a.getText() == null ? "" : a.getText(), calls));
                    } else {
                        b.message(ChatMessage.assistant(a.getText()));
                    }
                }
                case TOOL -> ((ToolResponseMessage) m).getResponses()
                        .forEach(r -> b.message(ChatMessage.toolResult(r.id(), r.responseData())));
            }
        }
        ChatOptions o = prompt.getOptions();
        String model = pick(o == null ? null : o.getModel(), defaults.getModel());
        if (model != null) {
            b.model(model);
        }
        Double temperature = pick(o == null ? null : o.getTemperature(), defaults.getTemperature());
        if (temperature != null) {
            b.temperature(temperature);
        }
        Double topP = pick(o == null ? null : o.getTopP(), defaults.getTopP());
        if (topP != null) {
            b.topP(topP);
        }
        Integer maxTokens = pick(o == null ? null : o.getMaxTokens(), defaults.getMaxTokens());
        if (maxTokens != null) {
            b.maxTokens(maxTokens);
        }
        List<String> stop = pick(o == null ? null : o.getStopSequences(), defaults.getStopSequences());
        if (stop != null && !stop.isEmpty()) {
            b.stop(stop);
        }
        Double frequency = pick(o == null ? null : o.getFrequencyPenalty(), defaults.getFrequencyPenalty());
        if (frequency != null) {
            b.frequencyPenalty(frequency);
        }
        Double presence = pick(o == null ? null : o.getPresencePenalty(), defaults.getPresencePenalty());
        if (presence != null) {
            b.presencePenalty(presence);
        }
        Integer topK = pick(o == null ? null : o.getTopK(), defaults.getTopK());
        if (topK != null) {
            b.extra("top_k", topK);
        }
        return b.build();
    }

    private static <T> T pick(T first, T fallback) {
        return first != null ? first : fallback;
    }

    @Override
    public String toString() {
        return "FluxLlmChatModel[" + client + "]";
    }
}
