package dev.fluxllm.internal.assembly;

import dev.fluxllm.ChatChoice;
import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ChunkChoice;
import dev.fluxllm.Usage;
import java.util.ArrayList;
import java.util.List;

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
    private List<ChoiceAssembler> byIndex;

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
            for (ChoiceAssembler c : byIndex) {
                if (c != null && !c.finished()) {
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
            for (ChoiceAssembler c : byIndex) {
                if (c != null) {
                    choices.add(c.build());
                }
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
            byIndex = new ArrayList<>();
            if (only != null) {
                byIndex.add(only);
            }
        }
        int i = Math.max(index, 0);
        while (byIndex.size() <= i) {
            byIndex.add(null);
        }
        ChoiceAssembler c = byIndex.get(i);
        if (c == null) {
            c = new ChoiceAssembler(i);
            byIndex.set(i, c);
        }
        return c;
    }
}
