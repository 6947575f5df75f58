package dev.fluxllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Loads the library in a class loader without any optional jar (Kafka, Spring, Micrometer, MCP,
 * OpenTelemetry, Selenium), as a user with the core dependencies alone has it, and uses the core
 * and the capabilities that need nothing more: chat, streams, batches, typed outputs.
 */
class OptionalDependenciesTest {

    static final List<String> OPTIONAL = List.of("kafka", "spring", "micrometer", "mcp-", "opentelemetry", "selenium");

    /** A type for the typed-output call, loaded again by the stripped loader. */
    public record City(String name, int population) {
    }

    ScriptedLlmServer server;
    URLClassLoader loader;
    Object client;

    @BeforeEach
    void start() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (OPTIONAL.stream().noneMatch(name::contains)) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        server = ScriptedLlmServer.start();
        loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Object builder = call(loader.loadClass("dev.fluxllm.OpenAiCompatClient"), null, "builder");
        builder = call(builder.getClass(), builder, "baseUrl", server.baseUrl());
        builder = call(builder.getClass(), builder, "defaultModel", ScriptedLlmServer.DEFAULT_MODEL);
        client = call(builder.getClass(), builder, "build");
    }

    @AfterEach
    void stop() throws Exception {
        ((AutoCloseable) client).close();
        loader.close();
        server.close();
    }

    @Test
    void noOptionalClassIsReachable() {
        for (String name : List.of("org.apache.kafka.clients.consumer.KafkaConsumer", "org.springframework.context.ApplicationContext",
                "io.micrometer.core.instrument.MeterRegistry", "io.micrometer.observation.ObservationRegistry",
                "io.modelcontextprotocol.client.McpAsyncClient", "io.opentelemetry.api.OpenTelemetry")) {
            assertThatThrownBy(() -> loader.loadClass(name)).as(name).isInstanceOf(ClassNotFoundException.class);
        }
        assertThat(client.getClass().getClassLoader()).isSameAs(loader);
    }

    @Test
    void chatAndStreamsWork() throws Exception {
        server.enqueue(Reply.text("works alone"));
        server.enqueue(Reply.text("streams alone"));
        Object response = block(call(client.getClass(), client, "generate", request("hello")));
        assertThat(call(response.getClass(), response, "text")).isEqualTo("works alone");

        Object flux = call(client.getClass(), client, "stream", request("hello"));
        Object assembled = call(loader.loadClass("dev.fluxllm.ChatStreams"), null, "assemble", flux);
        Object streamed = block(assembled);
        assertThat(call(streamed.getClass(), streamed, "text")).isEqualTo("streams alone");
    }

    @Test
    void batchesWork() throws Exception {
        Class<?> fluxClass = loader.loadClass("reactor.core.publisher.Flux");
        Object inputs = call(fluxClass, null, "fromIterable", List.of(request("a"), request("b"), request("c")));
        Object options = call(loader.loadClass("dev.fluxllm.batch.BatchOptions"), null, "defaults");
        Object results = call(client.getClass(), client, "generateAll", inputs, options);
        Object list = block(call(results.getClass(), results, "collectList"));
        assertThat((List<?>) list).hasSize(3).allSatisfy(r -> assertThat(call(r.getClass(), r, "isSuccess")).isEqualTo(true));
    }

    @Test
    void typedOutputsWork() throws Exception {
        server.enqueue(Reply.json(Map.of("name", "Lyon", "population", 522_000)));
        Class<?> city = loader.loadClass(City.class.getName());
        Object value = block(call(client.getClass(), client, "generate", request("a city"), city));
        assertThat(value.getClass()).isSameAs(city);
        assertThat(value.toString()).contains("Lyon").contains("522000");
    }

    private Object request(String text) throws Exception {
        Object builder = call(loader.loadClass("dev.fluxllm.ChatRequest"), null, "builder");
        builder = call(builder.getClass(), builder, "user", text);
        return call(builder.getClass(), builder, "build");
    }

    private static Object block(Object mono) {
        return call(mono.getClass(), mono, "block", Duration.ofSeconds(10));
    }

    /** Calls the public method of that name whose parameters accept the arguments. */
    private static Object call(Class<?> type, Object target, String name, Object... args) {
        for (Method m : type.getMethods()) {
            if (!m.getName().equals(name) || m.getParameterCount() != args.length) {
                continue;
            }
            Class<?>[] params = m.getParameterTypes();
            boolean fits = true;
            for (int i = 0; i < args.length && fits; i++) {
                fits = params[i].isInstance(args[i]) || params[i].isPrimitive();
            }
            if (fits) {
                try {
                    return m.invoke(target, args);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(name + " failed", e.getCause() != null ? e.getCause() : e);
                }
            }
        }
        throw new AssertionError("no method " + name + " on " + type.getName() + " for " + args.length + " arguments");
    }
}
