package dev.fluxllm.structured;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the JSON tree of an answer as it is written: complete values as they end, the string
 * being written as its text so far. {@link #changed()} says whether the last piece changed it.
 */
final class PartialTree implements IncrementalJson.Listener {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonNode root;
    private JsonNode[] stack = new JsonNode[16];
    private String[] keys = new String[16];
    private int depth;
    private boolean openStringShown;
    private boolean changed;

    /** Returns the tree so far, null before the root value started. */
    JsonNode root() {
        return root;
    }

    /** Returns whether the tree changed since the last call, and resets the flag. */
    boolean changed() {
        boolean c = changed;
        changed = false;
        return c;
    }

    @Override
    public void objectStart() {
        open(NODES.objectNode());
    }

    @Override
    public void arrayStart() {
        open(NODES.arrayNode());
    }

    @Override
    public void containerEnd() {
        stack[--depth] = null;
    }

    @Override
    public void key(int depth, String name) {
        keys[depth - 1] = name;
    }

    @Override
    public void scalar(JsonNode value) {
        attach(value);
        openStringShown = false;
    }

    @Override
    public void openString(String prefix) {
        attach(NODES.stringNode(prefix));
        openStringShown = true;
    }

    private void open(JsonNode container) {
        attach(container);
        if (depth == stack.length) {
            stack = java.util.Arrays.copyOf(stack, depth * 2);
            keys = java.util.Arrays.copyOf(keys, depth * 2);
        }
        stack[depth++] = container;
    }

    /** Puts a value at the current place; a string shown half-written is replaced, not added to. */
    private void attach(JsonNode value) {
        changed = true;
        if (depth == 0) {
            root = value;
            return;
        }
        JsonNode parent = stack[depth - 1];
        if (parent instanceof ObjectNode o) {
            o.set(keys[depth - 1], value);
        } else {
            ArrayNode a = (ArrayNode) parent;
            if (openStringShown) {
                a.set(a.size() - 1, value);
            } else {
                a.add(value);
            }
        }
    }
}
