package dev.fluxllm.internal.assembly;

import dev.fluxllm.ToolCall;
import dev.fluxllm.ToolCallDelta;
import dev.fluxllm.internal.json.ToolArguments;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins the streamed tool-call fragments of one choice into whole calls.
 *
 * <p>A fragment belongs to the call with its {@code index}; without an index, to the call with
 * its {@code id}; without either, to the last call. {@code id} and {@code type} are taken once;
 * a name is never concatenated (a longer name that extends the known one replaces it, as
 * llama.cpp re-sends the name whole while it grows); arguments are concatenated. A fragment that
 * reuses an index with a different id (some Ollama versions) starts a new call, and so does an
 * index-less, id-less fragment naming a different function, or bringing a name and arguments
 * after a call whose arguments are already a whole JSON object (that call is no longer open).
 */
final class ToolCallAssembler {

    private final List<Builder> calls = new ArrayList<>(2);
    private final Map<Integer, Builder> byIndex = new HashMap<>(4);
    private final Map<String, Builder> byId = new HashMap<>(4);

    /** Adds one fragment. */
    public void add(ToolCallDelta f) {
        Builder b = target(f);
        b.apply(f);
        if (b.id != null && !b.id.isEmpty()) {
            byId.putIfAbsent(b.id, b);
        }
    }

    /** Returns whether no fragment has arrived. */
    public boolean isEmpty() {
        return calls.isEmpty();
    }

    /** Returns the calls so far, in order of first appearance; empty sentinel fragments are dropped. */
    public List<ToolCall> build() {
        List<ToolCall> out = new ArrayList<>(calls.size());
        for (Builder b : calls) {
            if (b.isPhantom()) {
                continue;
            }
            out.add(new ToolCall(b.id, b.type, b.name, b.arguments == null ? "" : b.arguments.toString()));
        }
        return out;
    }

    private Builder target(ToolCallDelta f) {
        String id = f.id();
        boolean hasId = id != null && !id.isEmpty();
        if (f.index() != null) {
            Builder b = byIndex.get(f.index());
            if (b != null && hasId && b.id != null && !b.id.isEmpty() && !b.id.equals(id)) {
                b = null;
            }
            if (b == null) {
                b = hasId && byId.containsKey(id) ? byId.get(id) : create();
                byIndex.put(f.index(), b);
            }
            return b;
        }
        if (hasId) {
            Builder b = byId.get(id);
            return b != null ? b : create();
        }
        Builder last = calls.isEmpty() ? null : calls.get(calls.size() - 1);
        boolean named = f.name() != null && !f.name().isEmpty();
        if (last == null || (named && !last.acceptsName(f.name()))) {
            return create();
        }
        // A whole call (name and arguments) after a call whose arguments are already one whole
        // JSON object is the next call, even when it names the same function.
        if (named && f.arguments() != null && !f.arguments().isBlank() && last.isComplete()) {
            return create();
        }
        return last;
    }

    private Builder create() {
        Builder b = new Builder();
        calls.add(b);
        return b;
    }

    /** Accumulates one call. */
    private static final class Builder {
        String id;
        String type;
        String name;
        StringBuilder arguments;

        void apply(ToolCallDelta f) {
            if ((id == null || id.isEmpty()) && f.id() != null && !f.id().isEmpty()) {
                id = f.id();
            }
            if ((type == null || type.isEmpty()) && f.type() != null && !f.type().isEmpty()) {
                type = f.type();
            }
            String n = f.name();
            if (n != null && !n.isEmpty()) {
                if (name == null || name.isEmpty() || (n.length() > name.length() && n.startsWith(name))) {
                    name = n;
                }
            }
            if (f.arguments() != null && !f.arguments().isEmpty()) {
                if (arguments == null) {
                    arguments = new StringBuilder(f.arguments().length() + 16);
                }
                arguments.append(f.arguments());
            }
        }

        /** Returns whether a name may belong to this call: none yet, equal, or extending it. */
        boolean acceptsName(String n) {
            return name == null || name.isEmpty() || n.startsWith(name);
        }

        /** Returns whether the call has a name and arguments that form one whole JSON object. */
        boolean isComplete() {
            return name != null && !name.isEmpty() && arguments != null
                    && ToolArguments.isJsonObject(arguments.toString());
        }

        /** A trailing empty fragment (Alibaba) must not become a call with no name. */
        boolean isPhantom() {
            return (name == null || name.isEmpty()) && (id == null || id.isEmpty())
                    && (arguments == null || arguments.toString().isBlank());
        }
    }
}
