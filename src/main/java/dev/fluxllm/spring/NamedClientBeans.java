package dev.fluxllm.spring;

import dev.fluxllm.OpenAiCompatClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers each {@code fluxllm.clients.<name>} client as an {@link OpenAiCompatClient} bean named
 * {@code <name>} (or {@code <name>FluxLlmClient} when that name is taken), so {@code @Qualifier("fast")}
 * injects it. The instances come from {@link FluxLlmClients}, which also closes them. When no default
 * client is configured, the first named client is the primary bean {@value #PRIMARY_BEAN} and its
 * name is an alias of it: every client is one bean, never two.
 */
final class NamedClientBeans implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

    static final String PRIMARY_BEAN = "fluxLlmClient";
    static final String CLIENTS_BEAN = "fluxLlmClients";

    private Environment environment;
    private BeanFactory beanFactory;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        List<String> names = new ArrayList<>(Binder.get(environment)
                .bind("fluxllm.clients", Bindable.mapOf(String.class, Object.class)).orElse(Map.of()).keySet());
        if (names.isEmpty() || applicationDefinesItsOwn()) {
            return;
        }
        boolean defaultConfigured = OnFluxLlmConfigured.defaultClientConfigured(environment);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (i == 0 && !defaultConfigured) {
                if (!registry.isBeanNameInUse(name)) {
                    registry.registerAlias(PRIMARY_BEAN, name);
                }
                continue;
            }
            RootBeanDefinition definition = new RootBeanDefinition(OpenAiCompatClient.class,
                    () -> beanFactory.getBean(FluxLlmClients.class).get(name));
            definition.setDestroyMethodName(""); // FluxLlmClients closes it, gracefully
            definition.setDescription("FluxLLM client fluxllm.clients." + name);
            registry.registerBeanDefinition(registry.isBeanNameInUse(name) ? name + "FluxLlmClient" : name, definition);
        }
    }

    /** The application's own client or clients bean means it wires them itself. */
    private boolean applicationDefinesItsOwn() {
        if (!(beanFactory instanceof ListableBeanFactory listable)) {
            return false;
        }
        // This auto-configuration's own two beans are registered before this registrar runs.
        return Arrays.stream(listable.getBeanNamesForType(OpenAiCompatClient.class, true, false))
                .anyMatch(n -> !n.equals(PRIMARY_BEAN))
                || Arrays.stream(listable.getBeanNamesForType(FluxLlmClients.class, true, false))
                .anyMatch(n -> !n.equals(CLIENTS_BEAN));
    }
}
