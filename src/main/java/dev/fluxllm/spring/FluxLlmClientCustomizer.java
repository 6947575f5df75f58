package dev.fluxllm.spring;

import dev.fluxllm.OpenAiCompatClient;

/**
 * Changes a client's builder before the auto-configuration builds it: applied, in bean order, to
 * every client's builder after the properties. Declare one as a bean.
 *
 * <pre>{@code
 * @Bean FluxLlmClientCustomizer referer() {
 *     return (name, builder) -> builder.header("HTTP-Referer", "https://example.org");
 * }
 * }</pre>
 */
@FunctionalInterface
public interface FluxLlmClientCustomizer {

    /** Customizes the builder of the client called {@code name} ({@code default} for the one under {@code fluxllm.*}). */
    void customize(String name, OpenAiCompatClient.Builder builder);
}
