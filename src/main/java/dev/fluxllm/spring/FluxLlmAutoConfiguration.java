package dev.fluxllm.spring;

import dev.fluxllm.LlmListener;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.observe.MicrometerListener;
import dev.fluxllm.observe.ObservationListener;
import dev.fluxllm.routing.LlmRouter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.CompositeReactiveHealthContributor;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

/**
 * Spring Boot auto-configuration of FluxLLM, active when {@code fluxllm.base-url} (or
 * {@code fluxllm.provider}) or any {@code fluxllm.clients.<name>.*} is set. Beans, each backing
 * off when the application defines its own:
 * <ul>
 *   <li>{@link FluxLlmClients}: every configured client by name, closed gracefully on shutdown;</li>
 *   <li>{@link OpenAiCompatClient} (primary, {@code fluxLlmClient}): the default client, else the first
 *       named one;</li>
 *   <li>one {@link OpenAiCompatClient} bean per named client, named (and qualified) as in
 *       {@code fluxllm.clients.<name>}, so {@code @Qualifier("fast") OpenAiCompatClient} injects it;</li>
 *   <li>{@link LlmRouter} over all clients when {@code fluxllm.router.enabled=true};</li>
 *   <li>{@link ObservationListener} when an {@code ObservationRegistry} bean exists (with the
 *       GenAI metrics when a {@code MeterRegistry} does too), else {@link MicrometerListener}
 *       when only a {@code MeterRegistry} exists; every {@link LlmListener} bean is added to
 *       every client, and every {@link FluxLlmClientCustomizer} applied to every builder;</li>
 *   <li>{@link FluxLlmChatModel} (Spring AI's {@code ChatModel} and {@code StreamingChatModel})
 *       over the primary client, when Spring AI is on the class path;</li>
 *   <li>health contributor {@code fluxllm}: one {@link FluxLlmHealthIndicator} per backend, when
 *       Spring Boot's health module is present.</li>
 * </ul>
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(OpenAiCompatClient.class)
@EnableConfigurationProperties(FluxLlmProperties.class)
@Import(NamedClientBeans.class)
public class FluxLlmAutoConfiguration {

    /** Builds every configured client; a bad property fails start-up naming it. */
    @Bean(name = NamedClientBeans.CLIENTS_BEAN)
    @ConditionalOnMissingBean
    @Conditional(OnFluxLlmConfigured.class)
    public FluxLlmClients fluxLlmClients(FluxLlmProperties properties, ObjectProvider<LlmListener> listeners,
                                         ObjectProvider<FluxLlmClientCustomizer> customizers) {
        List<LlmListener> ls = listeners.orderedStream().toList();
        List<FluxLlmClientCustomizer> cs = customizers.orderedStream().toList();
        Map<String, OpenAiCompatClient> clients = new LinkedHashMap<>();
        try {
            if (properties.isConfigured()) {
                clients.put(FluxLlmClients.DEFAULT_NAME,
                        ClientFactory.build(FluxLlmClients.DEFAULT_NAME, "fluxllm", properties, ls, cs));
            }
            properties.getClients().forEach((name, settings) ->
                    clients.put(name, ClientFactory.build(name, "fluxllm.clients." + name, settings, ls, cs)));
        } catch (RuntimeException e) {
            clients.values().forEach(OpenAiCompatClient::close);
            throw e;
        }
        if (properties.getShutdownTimeout() == null || properties.getShutdownTimeout().isNegative()) {
            clients.values().forEach(OpenAiCompatClient::close);
            throw new IllegalArgumentException("fluxllm.shutdown-timeout must be zero or positive, got "
                    + properties.getShutdownTimeout());
        }
        return new FluxLlmClients(clients, properties.getShutdownTimeout());
    }

    /** The primary client; {@link FluxLlmClients} closes it, so no destroy method here. */
    @Bean(name = NamedClientBeans.PRIMARY_BEAN, destroyMethod = "")
    @Primary
    @ConditionalOnMissingBean(OpenAiCompatClient.class)
    @ConditionalOnBean(FluxLlmClients.class)
    public OpenAiCompatClient fluxLlmClient(FluxLlmClients clients) {
        return clients.primary();
    }

    /** A router over every client. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(FluxLlmClients.class)
    @ConditionalOnProperty(prefix = "fluxllm.router", name = "enabled", havingValue = "true")
    public LlmRouter fluxLlmRouter(FluxLlmClients clients, FluxLlmProperties properties) {
        LlmRouter.Builder b = LlmRouter.builder().failover(properties.getRouter().isFailover());
        clients.all().forEach(b::backend);
        if (properties.getRouter().getDefaultBackend() != null) {
            b.defaultBackend(properties.getRouter().getDefaultBackend());
        }
        return b.build();
    }

    /** Observations with the GenAI conventions, when the application has an ObservationRegistry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.observation.ObservationRegistry")
    static class ObservationConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(ObservationRegistry.class)
        ObservationListener fluxLlmObservationListener(ObservationRegistry registry, ObjectProvider<MeterRegistry> meters,
                                                       FluxLlmProperties properties) {
            return ObservationListener.builder(registry).meterRegistry(meters.getIfAvailable())
                    .captureContent(properties.getObservations().isCaptureContent())
                    .chunkMetrics(properties.getObservations().isChunkMetrics())
                    .providerName(properties.getObservations().getProviderName()).build();
        }
    }

    /** Plain Micrometer metrics, when there is a MeterRegistry but no ObservationRegistry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean(value = {MicrometerListener.class, ObservationListener.class},
                type = "io.micrometer.observation.ObservationRegistry")
        @ConditionalOnBean(MeterRegistry.class)
        MicrometerListener fluxLlmMicrometerListener(MeterRegistry registry) {
            return new MicrometerListener(registry);
        }
    }

    /** Spring AI's ChatModel over the primary client, when Spring AI is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.ai.chat.model.ChatModel")
    static class SpringAiConfiguration {

        @Bean
        @ConditionalOnMissingBean(type = "org.springframework.ai.chat.model.ChatModel")
        @Conditional(OnFluxLlmConfigured.class)
        FluxLlmChatModel fluxLlmChatModel(OpenAiCompatClient client) {
            return new FluxLlmChatModel(client);
        }
    }

    /** One health indicator per backend under {@code fluxllm}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.ReactiveHealthContributor")
    @ConditionalOnProperty(prefix = "fluxllm.health", name = "enabled", matchIfMissing = true)
    static class HealthConfiguration {

        @Bean(name = "fluxllmHealthContributor")
        @ConditionalOnMissingBean(name = "fluxllmHealthContributor")
        @Conditional(OnFluxLlmConfigured.class)
        ReactiveHealthContributor fluxllmHealthContributor(FluxLlmClients clients, FluxLlmProperties properties) {
            Map<String, FluxLlmHealthIndicator> indicators = new LinkedHashMap<>();
            clients.all().forEach((name, client) -> indicators.put(name, new FluxLlmHealthIndicator(client,
                    properties.getHealth().getTimeout(), properties.getHealth().getCacheTtl())));
            return CompositeReactiveHealthContributor.fromMap(indicators);
        }
    }
}
