package dev.fluxllm.internal.assembly;

import dev.fluxllm.ChatChoice;
import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ChunkChoice;
import dev.fluxllm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Assembles chunks into a {@link ChatResponse}: each choice separately, id and model from the
 * first chunk that names them, usage from the last chunk that carries it (servers send it on a
 * separate chunk, on the finish chunk, or cumulatively on every chunk).
 */
public final class ResponseAssembler {

    private String id = "";
    private String model = "";
    private long created;
    private Usage usage;
    private ChoiceAssembler only;
    /** Sparse: a server that sends {@code "index": 2000000000} must not make the client allocate that many slots. */
    private TreeMap<Integer, ChoiceAssembler> byIndex;

    /** Adds one chunk. */
    public void add(ChatChunk chunk) {
        if (id.isEmpty() && !chunk.id().isEmpty()) {
            id = chunk.id();
        }
        if (model.isEmpty() && !chunk.model().isEmpty()) {
            model = chunk.model();
        }
        if (created == 0) {
            created = chunk.created();
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        List<ChunkChoice> choices = chunk.choices();
        for (int i = 0, n = choices.size(); i < n; i++) {
            ChunkChoice c = choices.get(i);
            choice(c.index()).add(c);
        }
    }

    /** Returns whether at least one choice was seen and every choice seen has a finish reason. */
    public boolean allChoicesFinished() {
        if (byIndex != null) {
            for (ChoiceAssembler c : byIndex.values()) {
                if (!c.finished()) {
                    return false;
                }
            }
            return true;
        }
        return only != null && only.finished();
    }

    /** Returns whether any choice was seen. */
    public boolean sawChoices() {
        return only != null || byIndex != null;
    }

    /** Returns what was assembled so far. */
    public ChatResponse build() {
        List<ChatChoice> choices;
        if (byIndex != null) {
            choices = new ArrayList<>(byIndex.size());
            for (ChoiceAssembler c : byIndex.values()) {
                choices.add(c.build());
            }
        } else {
            choices = only == null ? List.of() : List.of(only.build());
        }
        return new ChatResponse(id, model, created, choices, usage);
    }

    private ChoiceAssembler choice(int index) {
        if (byIndex == null) {
            if (only == null && index == 0) {
                only = new ChoiceAssembler(0);
                return only;
            }
            if (only != null && index == 0) {
                return only;
            }
            byIndex = new TreeMap<>();
            if (only != null) {
                byIndex.put(0, only);
            }
        }
        return byIndex.computeIfAbsent(Math.max(index, 0), ChoiceAssembler::new);
    }
}
