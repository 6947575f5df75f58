package dev.fluxllm.observe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.EmbeddingRequest;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.RetryPolicy;
import dev.fluxllm.support.WireMockSupport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Embeddings are observed as gen_ai.operation.name=embeddings, with their input tokens. */
class EmbeddingObservationTest extends WireMockSupport {

    @Test
    void anEmbeddingCallIsAnEmbeddingsObservationWithInputTokens() {
        wm.stubFor(post("/v1/embeddings").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"object":"list","model":"bge-small","data":[{"object":"embedding","index":0,"embedding":[0.5,1]}],
                         "usage":{"prompt_tokens":4,"total_tokens":4}}""")));
        TestObservationRegistry registry = TestObservationRegistry.create();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        OpenAiCompatClient client = track(OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1").apiKey(KEY)
                .retryPolicy(RetryPolicy.none())
                .listener(ObservationListener.builder(registry).meterRegistry(meters).build()).build());

        client.embed(EmbeddingRequest.builder().model("bge").input("hello").build()).block(Duration.ofSeconds(10));

        assertThat(registry).hasSingleObservationThat()
                .hasContextualNameEqualTo("embeddings bge")
                .hasLowCardinalityKeyValue("gen_ai.operation.name", "embeddings")
                .hasLowCardinalityKeyValue("gen_ai.request.model", "bge")
                .hasLowCardinalityKeyValue("gen_ai.response.model", "bge-small")
                .hasHighCardinalityKeyValue("gen_ai.usage.input_tokens", "4")
                .doesNotHaveHighCardinalityKeyValueWithKey("gen_ai.usage.output_tokens");
        assertThat(meters.get(GenAiAttributes.METRIC_TOKEN_USAGE).tag("gen_ai.token.type", "input")
                .tag("gen_ai.operation.name", "embeddings").summary().totalAmount()).isEqualTo(4);
        assertThat(meters.find(GenAiAttributes.METRIC_TOKEN_USAGE).tag("gen_ai.token.type", "output").summary())
                .isNull();
        assertThat(meters.find(GenAiAttributes.METRIC_TIME_TO_FIRST_CHUNK).summary()).isNull();
    }
}
