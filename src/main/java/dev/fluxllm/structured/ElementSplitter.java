package dev.fluxllm.structured;

import dev.fluxllm.internal.schema.TypeBinding;

/**
 * Finds the elements of a list answer as they end: the values of the root object's
 * {@code items} array (or of a root array, which servers in JSON mode sometimes send), each
 * reported by its start and end offset in the answer's text.
 */
final class ElementSplitter implements IncrementalJson.Listener {

    /** Hears one complete element: {@code [start, end)} in the answer's text. */
    interface Elements {
        void element(int start, int end);
    }

    private final Elements elements;
    private boolean rootIsObject;
    private String rootKey;
    private int elementDepth = -1;
    private int elementStart;
    private boolean arrayEnded;

    ElementSplitter(Elements elements) {
        this.elements = elements;
    }

    /** Returns whether the elements' array has ended. */
    boolean arrayEnded() {
        return arrayEnded;
    }

    /** Returns whether the elements' array was found at all. */
    boolean arrayFound() {
        return elementDepth >= 0;
    }

    @Override
    public void valueStart(int depth, int offset, char first) {
        if (depth == 0) {
            rootIsObject = first == '{';
            if (first == '[') {
                elementDepth = 1;
            }
        } else if (depth == elementDepth) {
            elementStart = offset;
        } else if (elementDepth < 0 && depth == 1 && rootIsObject && first == '['
                && TypeBinding.LIST_FIELD.equals(rootKey)) {
            elementDepth = 2;
        }
    }

    @Override
    public void valueEnd(int depth, int endOffset) {
        if (depth == elementDepth) {
            elements.element(elementStart, endOffset);
        } else if (elementDepth >= 0 && depth == elementDepth - 1) {
            arrayEnded = true;
        }
    }

    @Override
    public void key(int depth, String name) {
        if (depth == 1) {
            rootKey = name;
        }
    }
}
