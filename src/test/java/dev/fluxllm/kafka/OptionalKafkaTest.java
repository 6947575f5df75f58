package dev.fluxllm.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Loads the library in a class loader without any Kafka jar, as a user without the optional
 * dependency has it, and makes a call: the core never needs a Kafka class.
 */
class OptionalKafkaTest {

    @Test
    void theCoreClientWorksWithoutKafkaOnTheClassPath() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!Path.of(entry).getFileName().toString().contains("kafka")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (ScriptedLlmServer server = ScriptedLlmServer.start();
             URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            server.setDefault(Reply.text("works without Kafka"));
            assertThatThrownBy(() -> loader.loadClass("org.apache.kafka.clients.consumer.KafkaConsumer"))
                    .isInstanceOf(ClassNotFoundException.class);

            Class<?> clientClass = loader.loadClass("dev.fluxllm.OpenAiCompatClient");
            assertThat(clientClass.getClassLoader()).isSameAs(loader);
            Object builder = clientClass.getMethod("builder").invoke(null);
            builder = builder.getClass().getMethod("baseUrl", String.class).invoke(builder, server.baseUrl());
            builder = builder.getClass().getMethod("defaultModel", String.class).invoke(builder, ScriptedLlmServer.DEFAULT_MODEL);
            Object client = builder.getClass().getMethod("build").invoke(builder);
            try {
                Class<?> requestClass = loader.loadClass("dev.fluxllm.ChatRequest");
                Object rb = requestClass.getMethod("builder").invoke(null);
                rb = rb.getClass().getMethod("user", String.class).invoke(rb, "hello");
                Object request = rb.getClass().getMethod("build").invoke(rb);
                Object mono = clientClass.getMethod("generate", requestClass).invoke(client, request);
                Object response = mono.getClass().getMethod("block", Duration.class).invoke(mono, Duration.ofSeconds(10));
                assertThat(response.getClass().getMethod("text").invoke(response)).isEqualTo("works without Kafka");
            } finally {
                ((AutoCloseable) client).close();
            }
        }
    }
}
