package dev.fluxllm.spring;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code fluxllm.base-url}, {@code fluxllm.provider} or any {@code fluxllm.clients.*} is set. */
final class OnFluxLlmConfigured extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        var env = context.getEnvironment();
        if (defaultClientConfigured(env)) {
            return ConditionOutcome.match("fluxllm.base-url or fluxllm.provider is set");
        }
        boolean named = Binder.get(env).bind("fluxllm.clients", Bindable.mapOf(String.class, Object.class))
                .map(Map::isEmpty).map(empty -> !empty).orElse(false);
        return named ? ConditionOutcome.match("fluxllm.clients.* is set")
                : ConditionOutcome.noMatch("neither fluxllm.base-url, fluxllm.provider nor fluxllm.clients.* is set");
    }

    /** Whether the client configured directly under {@code fluxllm.*} exists. */
    static boolean defaultClientConfigured(org.springframework.core.env.Environment env) {
        return env.containsProperty("fluxllm.base-url") || env.containsProperty("fluxllm.provider");
    }
}
