package dev.fluxllm;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Turns a stream of chunks into what callers want from it: the whole response, or the text. */
public final class ChatStreams {

    private ChatStreams() {
    }

    /**
     * Assembles a stream into the {@link ChatResponse} that {@code generate} would have returned:
     * content, reasoning, tool calls (joined fragment by fragment), finish reason, usage, id and
     * model, each choice separately. Use as {@code client.stream(request).as(ChatStreams::assemble)}.
     *
     * <p>When the stream fails with an {@link OpenAiCompatException}, the exception carries what
     * had arrived, assembled, in {@link OpenAiCompatException#partialResponse()}.
     */
    public static Mono<ChatResponse> assemble(Flux<ChatChunk> chunks) {
        return new AssembledResponse(chunks);
    }

    /** Returns the content deltas of choice 0, skipping chunks without content. */
    public static Flux<String> text(Flux<ChatChunk> chunks) {
        // map and filter, not handle: with context-propagation on the classpath, handle restores
        // the subscriber context's thread locals (a caller's observation scope) around every chunk.
        return chunks.map(ChatChunk::text).filter(ChatStreams::nonEmpty);
    }

    /** Returns the reasoning deltas of choice 0, skipping chunks without reasoning. */
    public static Flux<String> reasoning(Flux<ChatChunk> chunks) {
        return chunks.map(ChatChunk::reasoning).filter(ChatStreams::nonEmpty);
    }

    private static boolean nonEmpty(String s) {
        return !s.isEmpty();
    }
}
