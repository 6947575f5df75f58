package dev.fluxllm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ConnectionException;
import dev.fluxllm.LlmListener;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.observe.GenAiAttributes;
import dev.fluxllm.observe.MicrometerListener;
import dev.fluxllm.observe.ObservationListener;
import dev.fluxllm.routing.LlmRouter;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeReactiveHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.test.StepVerifier;

/** The auto-configuration, case by case, with ApplicationContextRunner and the scripted server. */
class FluxLlmAutoConfigurationTest {

    static final String KEY = "sk-spring-secret-0123456789";

    final ScriptedLlmServer server = ScriptedLlmServer.start();
    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FluxLlmAutoConfiguration.class));

    @AfterEach
    void close() {
        server.close();
    }

    String url() {
        return "fluxllm.base-url=" + server.baseUrl();
    }

    @Test
    void nothingConfiguredMeansNoBeans() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).doesNotHaveBean(FluxLlmClients.class);
            assertThat(ctx).doesNotHaveBean(OpenAiCompatClient.class);
            assertThat(ctx).doesNotHaveBean(LlmRouter.class);
        });
    }

    @Test
    void theDefaultClientComesFromTheProperties() {
        server.enqueue(Reply.text("Hello from Spring"));
        runner.withPropertyValues(url(), "fluxllm.api-key=" + KEY, "fluxllm.default-model=qwen",
                        "fluxllm.response-timeout=5s", "fluxllm.retry.max-retries=1", "fluxllm.pool.max-connections=3",
                        "fluxllm.headers.X-Team=search")
                .run(ctx -> {
                    OpenAiCompatClient client = ctx.getBean(OpenAiCompatClient.class);
                    assertThat(client.defaultModel()).isEqualTo("qwen");
                    assertThat(client.baseUrl()).isEqualTo(server.baseUrl());
                    assertThat(client.retryPolicy().maxRetries()).isEqualTo(1);
                    assertThat(client.httpVersion()).isEqualTo(dev.fluxllm.HttpVersion.HTTP_1_1);
                    assertThat(ctx.getBean(FluxLlmClients.class).all()).containsOnlyKeys("default");
                    assertThat(client.generate(ChatRequest.builder().user("hi").build()).block(Duration.ofSeconds(10))
                            .text()).isEqualTo("Hello from Spring");
                    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer " + KEY);
                    assertThat(server.lastRequest().header("X-Team")).isEqualTo("search");
                    assertThat(server.lastRequest().model()).isEqualTo("qwen");
                    assertThat(ctx.getBean(FluxLlmProperties.class).toString()).doesNotContain(KEY);
                    assertThat(client.toString()).doesNotContain(KEY);
                });
    }

    @Test
    void namedClientsAndARouterOverThem() {
        runner.withPropertyValues("fluxllm.clients.fast.base-url=" + server.baseUrl(),
                        "fluxllm.clients.fast.default-model=small", "fluxllm.clients.fast.model-patterns=small*",
                        "fluxllm.clients.big.base-url=" + server.baseUrl(), "fluxllm.clients.big.default-model=large",
                        "fluxllm.router.enabled=true", "fluxllm.router.default-backend=big")
                .withUserConfiguration(QualifiedConfiguration.class)
                .run(ctx -> {
                    FluxLlmClients clients = ctx.getBean(FluxLlmClients.class);
                    assertThat(clients.all()).containsOnlyKeys("fast", "big");
                    assertThat(clients.get("fast").defaultModel()).isEqualTo("small");
                    assertThat(clients.get("fast").name()).isEqualTo("fast");
                    assertThat(ctx.getBean(OpenAiCompatClient.class)).isSameAs(clients.get("fast"));
                    assertThat(ctx.getBeansOfType(OpenAiCompatClient.class)).hasSize(2);
                    assertThat(ctx.getBean("fast", OpenAiCompatClient.class)).isSameAs(clients.get("fast"));
                    assertThat(ctx.getBean("big", OpenAiCompatClient.class)).isSameAs(clients.get("big"));
                    assertThat(ctx.getBean(Qualified.class).big).isSameAs(clients.get("big"));
                    assertThat(ctx.getBean(Qualified.class).fast).isSameAs(clients.get("fast"));
                    LlmRouter router = ctx.getBean(LlmRouter.class);
                    assertThat(router.backends()).containsOnlyKeys("fast", "big");
                    assertThat(router.route(ChatRequest.builder().model("small-1").user("x").build())).isEqualTo("fast");
                    assertThat(router.route(ChatRequest.builder().model("other").user("x").build())).isEqualTo("big");
                });
    }

    record Qualified(OpenAiCompatClient fast, OpenAiCompatClient big) {
    }

    @Configuration(proxyBeanMethods = false)
    static class QualifiedConfiguration {
        @Bean
        Qualified qualified(@org.springframework.beans.factory.annotation.Qualifier("fast") OpenAiCompatClient fast,
                            @org.springframework.beans.factory.annotation.Qualifier("big") OpenAiCompatClient big) {
            return new Qualified(fast, big);
        }
    }

    @Test
    void theDefaultAndTheNamedClientsAreOneBeanEach() {
        runner.withPropertyValues(url(), "fluxllm.clients.backup.base-url=" + server.baseUrl(),
                        "fluxllm.clients.fluxLlmClients.base-url=" + server.baseUrl())
                .run(ctx -> {
                    FluxLlmClients clients = ctx.getBean(FluxLlmClients.class);
                    assertThat(ctx.getBeansOfType(OpenAiCompatClient.class)).hasSize(3);
                    assertThat(ctx.getBean(OpenAiCompatClient.class)).isSameAs(clients.get("default"));
                    assertThat(ctx.getBean("backup", OpenAiCompatClient.class)).isSameAs(clients.get("backup"));
                    // a name already in use gets a suffix rather than failing start-up
                    assertThat(ctx.getBean("fluxLlmClientsFluxLlmClient", OpenAiCompatClient.class))
                            .isSameAs(clients.get("fluxLlmClients"));
                    ctx.close();
                    StepVerifier.create(clients.get("backup").generate(ChatRequest.builder().model("m").user("x").build()))
                            .expectError(dev.fluxllm.ClientClosedException.class).verify(Duration.ofSeconds(10));
                });
    }

    @Test
    void namedClientBeansBackOffWhenTheApplicationDefinesItsClient() {
        runner.withUserConfiguration(OwnClient.class)
                .withPropertyValues("fluxllm.clients.backup.base-url=" + server.baseUrl())
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBeansOfType(OpenAiCompatClient.class)).containsOnlyKeys("myClient");
                });
    }

    @Test
    void theHttpVersionIsAPropertyToo() {
        ScriptedLlmServer h2 = ScriptedLlmServer.builder().http2().start();
        try {
            h2.enqueue(Reply.text("over h2c"));
            runner.withPropertyValues("fluxllm.base-url=" + h2.baseUrl(), "fluxllm.default-model=m",
                            "fluxllm.http-version=http-2")
                    .run(ctx -> {
                        OpenAiCompatClient client = ctx.getBean(OpenAiCompatClient.class);
                        assertThat(client.httpVersion()).isEqualTo(dev.fluxllm.HttpVersion.HTTP_2);
                        assertThat(client.generate(ChatRequest.builder().user("hi").build())
                                .block(Duration.ofSeconds(10)).text()).isEqualTo("over h2c");
                    });
        } finally {
            h2.close();
        }
    }

    @Test
    void anUnknownHttpVersionFailsStartUpNamingTheProperty() {
        runner.withPropertyValues(url(), "fluxllm.http-version=spdy")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause().hasMessageContaining("spdy"));
    }

    @Test
    void noRouterUnlessEnabled() {
        runner.withPropertyValues("fluxllm.clients.a.base-url=" + server.baseUrl())
                .run(ctx -> assertThat(ctx).hasSingleBean(FluxLlmClients.class).doesNotHaveBean(LlmRouter.class));
    }

    @Test
    void aProviderPresetGivesTheBaseUrlAndTheName() {
        runner.withPropertyValues("fluxllm.provider=vllm", "fluxllm.default-model=m")
                .run(ctx -> assertThat(ctx.getBean(OpenAiCompatClient.class).baseUrl())
                        .isEqualTo(dev.fluxllm.Provider.VLLM.defaultBaseUrl()));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClient {
        @Bean
        OpenAiCompatClient myClient() {
            return OpenAiCompatClient.builder().baseUrl("http://127.0.0.1:1/v1").name("mine").build();
        }
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsClient() {
        runner.withUserConfiguration(OwnClient.class).withPropertyValues(url())
                .run(ctx -> assertThat(ctx.getBean(OpenAiCompatClient.class).name()).isEqualTo("mine"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClients {
        @Bean
        FluxLlmClients myClients() {
            return new FluxLlmClients(Map.of("own", OpenAiCompatClient.builder().baseUrl("http://127.0.0.1:1/v1")
                    .name("own").build()), Duration.ofSeconds(1));
        }
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsClients() {
        runner.withUserConfiguration(OwnClients.class).withPropertyValues(url())
                .run(ctx -> assertThat(ctx.getBean(FluxLlmClients.class).all()).containsOnlyKeys("own"));
    }

    @Configuration(proxyBeanMethods = false)
    static class Customized {
        @Bean
        FluxLlmClientCustomizer customizer() {
            return (name, builder) -> builder.header("X-Client", name);
        }
    }

    @Test
    void everyBuilderGoesThroughTheCustomizers() {
        server.setDefault(Reply.text("ok"));
        runner.withUserConfiguration(Customized.class).withPropertyValues(url(), "fluxllm.default-model=m",
                        "fluxllm.clients.b.base-url=" + server.baseUrl(), "fluxllm.clients.b.default-model=m")
                .run(ctx -> {
                    FluxLlmClients clients = ctx.getBean(FluxLlmClients.class);
                    clients.get("default").generate(ChatRequest.builder().user("x").build()).block(Duration.ofSeconds(10));
                    assertThat(server.lastRequest().header("X-Client")).isEqualTo("default");
                    clients.get("b").generate(ChatRequest.builder().user("x").build()).block(Duration.ofSeconds(10));
                    assertThat(server.lastRequest().header("X-Client")).isEqualTo("b");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class Observed {
        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Test
    void anObservationRegistryBringsTheObservationListener() {
        server.enqueue(Reply.text("observed"));
        runner.withUserConfiguration(Observed.class).withPropertyValues(url(), "fluxllm.default-model=m")
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(ObservationListener.class).doesNotHaveBean(MicrometerListener.class);
                    ctx.getBean(OpenAiCompatClient.class).generate(ChatRequest.builder().user("x").build())
                            .block(Duration.ofSeconds(10));
                    TestObservationRegistry registry = ctx.getBean(TestObservationRegistry.class);
                    assertThat(registry).hasSingleObservationThat().hasContextualNameEqualTo("chat m");
                    assertThat(ctx.getBean(MeterRegistry.class).find(GenAiAttributes.METRIC_OPERATION_DURATION)
                            .summary().count()).isEqualTo(1);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class MetersOnly {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Test
    void aMeterRegistryAloneBringsTheMicrometerListener() {
        server.enqueue(Reply.text("counted"));
        runner.withUserConfiguration(MetersOnly.class).withPropertyValues(url(), "fluxllm.default-model=m")
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(MicrometerListener.class).doesNotHaveBean(ObservationListener.class);
                    ctx.getBean(OpenAiCompatClient.class).generate(ChatRequest.builder().user("x").build())
                            .block(Duration.ofSeconds(10));
                    assertThat(ctx.getBean(MeterRegistry.class).find(MicrometerListener.REQUESTS).timer().count())
                            .isEqualTo(1);
                });
    }

    @Test
    void noRegistryMeansNoListener() {
        runner.withPropertyValues(url()).run(ctx -> assertThat(ctx)
                .doesNotHaveBean(ObservationListener.class).doesNotHaveBean(MicrometerListener.class)
                .doesNotHaveBean(LlmListener.class));
    }

    @Test
    void anInvalidUrlFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("fluxllm.base-url=not a url").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("fluxllm.base-url");
        });
    }

    @Test
    void aNegativeTimeoutFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("fluxllm.clients.fast.base-url=" + server.baseUrl(),
                "fluxllm.clients.fast.response-timeout=-1s").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause()
                            .hasMessageContaining("fluxllm.clients.fast.response-timeout must be positive");
                });
    }

    @Test
    void anUnknownProviderFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("fluxllm.provider=skynet").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("fluxllm.provider")
                    .hasMessageContaining("vllm");
        });
    }

    @Test
    void healthReportsEachBackendFromACachedProbeThatSendsNoPrompt() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        runner.withPropertyValues("fluxllm.clients.up.base-url=" + server.baseUrl(),
                        "fluxllm.clients.down.base-url=http://127.0.0.1:" + closed + "/v1",
                        "fluxllm.health.timeout=2s", "fluxllm.health.cache-ttl=1m")
                .run(ctx -> {
                    CompositeReactiveHealthContributor composite =
                            (CompositeReactiveHealthContributor) ctx.getBean("fluxllmHealthContributor");
                    ReactiveHealthIndicator up = (ReactiveHealthIndicator) composite.getContributor("up");
                    ReactiveHealthIndicator down = (ReactiveHealthIndicator) composite.getContributor("down");
                    Health first = up.health().block(Duration.ofSeconds(10));
                    Health again = up.health().block(Duration.ofSeconds(10));
                    assertThat(first.getStatus()).isEqualTo(Status.UP);
                    assertThat(first.getDetails()).containsEntry("status", 200);
                    assertThat(again.getStatus()).isEqualTo(Status.UP);
                    assertThat(down.health().block(Duration.ofSeconds(10)).getStatus()).isEqualTo(Status.DOWN);
                    // Two probes of "up", one request: the cache answered the second; none was a prompt.
                    assertThat(server.requests()).hasSize(1);
                    assertThat(server.requests().get(0).path()).endsWith("/models");
                    assertThat(server.requests().get(0).method()).isEqualTo("GET");
                });
    }

    @Test
    void healthCanBeTurnedOff() {
        runner.withPropertyValues(url(), "fluxllm.health.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(ReactiveHealthContributor.class));
    }

    @Test
    void closingTheContextClosesTheClients() {
        OpenAiCompatClient[] kept = new OpenAiCompatClient[1];
        runner.withPropertyValues(url(), "fluxllm.default-model=m", "fluxllm.shutdown-timeout=2s")
                .run(ctx -> kept[0] = ctx.getBean(OpenAiCompatClient.class));
        StepVerifier.create(kept[0].generate(ChatRequest.builder().user("x").build()))
                .expectError(ConnectionException.class).verify(Duration.ofSeconds(10));
        assertThat(server.requestCount()).isZero();
    }
}
