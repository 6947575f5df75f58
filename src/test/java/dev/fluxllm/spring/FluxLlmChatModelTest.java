package dev.fluxllm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RateLimitException;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.testkit.RecordedRequest;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.test.StepVerifier;

/** The Spring AI adapter, driven through Spring AI's ChatClient against the scripted server. */
class FluxLlmChatModelTest {

    final ScriptedLlmServer server = ScriptedLlmServer.start();
    final OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m")
            .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(5))
                    .maxBackoff(Duration.ofMillis(10)).build()).build();
    final ChatClient chat = ChatClient.create(new FluxLlmChatModel(client));

    @AfterEach
    void close() {
        client.close();
        server.close();
    }

    @Test
    void chatClientCallsGoThroughTheClientWithTheirOptions() {
        server.enqueue(Reply.text("Paris is the capital.").usage(9, 4));
        ChatResponse response = chat.prompt().system("Answer briefly").user("Capital of France?")
                .options(ChatOptions.builder().model("big").temperature(0.3).maxTokens(50).topK(20))
                .call().chatResponse();

        assertThat(response.getResult().getOutput().getText()).isEqualTo("Paris is the capital.");
        assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo("stop");
        assertThat(response.getMetadata().getUsage().getPromptTokens()).isEqualTo(9);
        assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(4);
        RecordedRequest sent = server.lastRequest();
        assertThat(sent.model()).isEqualTo("big");
        assertThat(sent.json().path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(sent.json().path("max_tokens").asInt()).isEqualTo(50);
        assertThat(sent.json().path("top_k").asInt()).isEqualTo(20);
        assertThat(sent.json().path("messages").get(0).path("role").asString()).isEqualTo("system");
        assertThat(sent.lastUserMessage()).isEqualTo("Capital of France?");
    }

    @Test
    void chatClientStreamsTokensInOrder() {
        server.enqueue(Reply.text("one two three"));
        List<String> tokens = chat.prompt().user("Count").stream().content().collectList().block(Duration.ofSeconds(10));
        assertThat(String.join("", tokens)).isEqualTo("one two three");
        assertThat(tokens).hasSizeGreaterThan(1);
        assertThat(server.lastRequest().isStream()).isTrue();
    }

    @Test
    void fluxLlmRetriesUnderChatClient() {
        server.enqueue(Reply.error(429, "slow down"));
        server.enqueue(Reply.text("after retry"));
        assertThat(chat.prompt().user("x").call().content()).isEqualTo("after retry");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void aFailureAfterRetriesIsFluxLlmsTypedException() {
        server.setDefault(Reply.error(429, "slow down"));
        StepVerifier.create(chat.prompt().user("x").stream().content())
                .expectError(RateLimitException.class).verify(Duration.ofSeconds(10));
    }

    @Test
    void toolCallsAndToolResultsTravelBothWays() {
        server.enqueue(Reply.toolCall("call_7", "get_weather", "{\"city\":\"Paris\"}"));
        FluxLlmChatModel model = new FluxLlmChatModel(client);
        ChatResponse first = model.call(new Prompt("Weather?"));
        AssistantMessage asked = first.getResult().getOutput();
        assertThat(asked.getToolCalls()).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo("call_7");
            assertThat(t.name()).isEqualTo("get_weather");
            assertThat(t.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        });

        server.enqueue(Reply.text("Sunny."));
        ChatResponse second = model.call(new Prompt(List.of(new UserMessage("Weather?"), asked,
                ToolResponseMessage.builder().responses(List.of(
                        new ToolResponseMessage.ToolResponse("call_7", "get_weather", "Sunny, 24 C"))).build())));
        assertThat(second.getResult().getOutput().getText()).isEqualTo("Sunny.");
        var messages = server.lastRequest().json().path("messages");
        assertThat(messages.get(1).path("tool_calls").get(0).path("id").asString()).isEqualTo("call_7");
        assertThat(messages.get(2).path("role").asString()).isEqualTo("tool");
        assertThat(messages.get(2).path("tool_call_id").asString()).isEqualTo("call_7");
        assertThat(messages.get(2).path("content").asString()).isEqualTo("Sunny, 24 C");
    }

    @Test
    void theAutoConfigurationOffersTheChatModel() {
        server.enqueue(Reply.text("auto"));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FluxLlmAutoConfiguration.class))
                .withPropertyValues("fluxllm.base-url=" + server.baseUrl(), "fluxllm.default-model=m")
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(ChatModel.class);
                    assertThat(ChatClient.create(ctx.getBean(ChatModel.class)).prompt().user("x").call().content())
                            .isEqualTo("auto");
                });
    }
}
