package dev.fluxllm.responses;

import dev.fluxllm.MalformedResponseException;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.Usage;
import dev.fluxllm.internal.error.ExceptionFactory;
import dev.fluxllm.internal.json.WireError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Folds the events of one streamed response into the {@link Response} that {@code generate}
 * would have returned: items by {@code output_index} (by {@code item_id} when the index is
 * absent), text by content index, argument deltas concatenated per item, and each {@code .done}
 * event's full value taken over the concatenated deltas. An event out of sequence order or for an
 * item that was never added fails. One instance per stream, one thread at a time.
 */
final class ResponseFolder {

    private final TreeMap<Integer, ItemState> byIndex = new TreeMap<>();
    private final Map<String, ItemState> byId = new HashMap<>();
    private String id;
    private String status;
    private String model;
    private long createdAt;
    private String incompleteReason;
    private Usage usage;
    private Response terminal;
    private long lastSequence = -1;

    /** Returns whether a terminal event (completed or incomplete) arrived. */
    boolean finished() {
        return terminal != null;
    }

    void add(ResponseEvent event) {
        long seq = event.sequenceNumber();
        if (seq >= 0) {
            if (seq <= lastSequence) {
                throw malformed(event.type() + " has sequence_number " + seq + " after " + lastSequence
                        + ": events out of order");
            }
            lastSequence = seq;
        }
        if (event instanceof ResponseEvent.Created e) {
            header(e.response());
        } else if (event instanceof ResponseEvent.InProgress e) {
            header(e.response());
        } else if (event instanceof ResponseEvent.Queued e) {
            header(e.response());
        } else if (event instanceof ResponseEvent.Completed e) {
            header(e.response());
            terminal = e.response();
        } else if (event instanceof ResponseEvent.Incomplete e) {
            header(e.response());
            terminal = e.response();
        } else if (event instanceof ResponseEvent.Failed e) {
            ResponseError error = e.response().error();
            throw failed("response.failed: " + (error == null ? "the server reported the response failed" : error.message()),
                    error == null ? null : error.code(), null);
        } else if (event instanceof ResponseEvent.Error e) {
            throw failed(e.message(), e.code(), e.param());
        } else if (event instanceof ResponseEvent.OutputItemAdded e) {
            added(e.outputIndex(), e.item());
        } else if (event instanceof ResponseEvent.OutputItemDone e) {
            ItemState item = find(e.type(), e.item().id(), e.outputIndex());
            item.done = e.item();
        } else if (event instanceof ResponseEvent.ContentPartAdded e) {
            find(e.type(), e.itemId(), e.outputIndex()).part(e.contentIndex());
        } else if (event instanceof ResponseEvent.ContentPartDone e) {
            Part part = find(e.type(), e.itemId(), e.outputIndex()).part(e.contentIndex());
            if (e.part() instanceof OutputItem.Content.OutputText t) {
                part.full = t.text();
                part.annotations = t.annotations();
            } else if (e.part() instanceof OutputItem.Content.Refusal r) {
                part.refusal = true;
                part.full = r.refusal();
            }
        } else if (event instanceof ResponseEvent.OutputTextDelta e) {
            find(e.type(), e.itemId(), e.outputIndex()).part(e.contentIndex()).append(e.delta());
        } else if (event instanceof ResponseEvent.OutputTextDone e) {
            find(e.type(), e.itemId(), e.outputIndex()).part(e.contentIndex()).full = e.text();
        } else if (event instanceof ResponseEvent.RefusalDelta e) {
            Part part = find(e.type(), e.itemId(), e.outputIndex()).part(e.contentIndex());
            part.refusal = true;
            part.append(e.delta());
        } else if (event instanceof ResponseEvent.RefusalDone e) {
            Part part = find(e.type(), e.itemId(), e.outputIndex()).part(e.contentIndex());
            part.refusal = true;
            part.full = e.refusal();
        } else if (event instanceof ResponseEvent.FunctionCallArgumentsDelta e) {
            find(e.type(), e.itemId(), e.outputIndex()).arguments.append(e.delta());
        } else if (event instanceof ResponseEvent.FunctionCallArgumentsDone e) {
            find(e.type(), e.itemId(), e.outputIndex()).fullArguments = e.arguments();
        } else if (event instanceof ResponseEvent.ReasoningSummaryPartAdded e) {
            find(e.type(), e.itemId(), e.outputIndex()).summary(e.summaryIndex());
        } else if (event instanceof ResponseEvent.ReasoningSummaryTextDelta e) {
            find(e.type(), e.itemId(), e.outputIndex()).summary(e.summaryIndex()).append(e.delta());
        } else if (event instanceof ResponseEvent.ReasoningSummaryTextDone e) {
            find(e.type(), e.itemId(), e.outputIndex()).summary(e.summaryIndex()).full = e.text();
        } else if (event instanceof ResponseEvent.ReasoningSummaryPartDone e) {
            if (e.text() != null) {
                find(e.type(), e.itemId(), e.outputIndex()).summary(e.summaryIndex()).full = e.text();
            }
        } else if (event instanceof ResponseEvent.ReasoningTextDelta e) {
            find(e.type(), e.itemId(), e.outputIndex()).part(e.contentIndex()).append(e.delta());
        } else if (event instanceof ResponseEvent.ReasoningTextDone e) {
            find(e.type(), e.itemId(), e.outputIndex()).part(e.contentIndex()).full = e.text();
        }
        // Unknown events pass through the stream; they change nothing here.
    }

    /** Returns the response so far: the terminal event's when it carries the output, else the folded items. */
    Response build() {
        if (terminal != null && !terminal.output().isEmpty()) {
            return new Response(or(terminal.id(), id), terminal.status(), terminal.incompleteReason(),
                    or(terminal.model(), model), terminal.createdAt() != 0 ? terminal.createdAt() : createdAt,
                    terminal.output(), terminal.usage() != null ? terminal.usage() : usage, terminal.error());
        }
        List<OutputItem> output = new ArrayList<>(byIndex.size());
        for (ItemState item : byIndex.values()) {
            output.add(item.build());
        }
        return new Response(id, status, incompleteReason, model, createdAt, output, usage, null);
    }

    private void header(Response r) {
        if (!r.id().isEmpty()) {
            id = r.id();
        }
        if (!r.status().isEmpty()) {
            status = r.status();
        }
        if (!r.model().isEmpty()) {
            model = r.model();
        }
        if (r.createdAt() != 0) {
            createdAt = r.createdAt();
        }
        if (r.incompleteReason() != null) {
            incompleteReason = r.incompleteReason();
        }
        if (r.usage() != null) {
            usage = r.usage();
        }
    }

    private void added(int outputIndex, OutputItem item) {
        int index = outputIndex >= 0 ? outputIndex : byIndex.isEmpty() ? 0 : byIndex.lastKey() + 1;
        ItemState known = byIndex.get(index);
        if (known != null && !known.added.id().equals(item.id())) {
            throw malformed("response.output_item.added for output_index " + index + " which already holds item '"
                    + known.added.id() + "'");
        }
        ItemState state = new ItemState(index, item);
        byIndex.put(index, state);
        if (!item.id().isEmpty()) {
            byId.put(item.id(), state);
        }
    }

    private ItemState find(String eventType, String itemId, int outputIndex) {
        ItemState item = outputIndex >= 0 ? byIndex.get(outputIndex) : null;
        if (item == null && itemId != null && !itemId.isEmpty()) {
            item = byId.get(itemId);
        }
        if (item == null) {
            throw malformed(eventType + " for an unknown item (item_id '" + itemId + "', output_index " + outputIndex
                    + "): no response.output_item.added came for it");
        }
        return item;
    }

    private static MalformedResponseException malformed(String message) {
        return ExceptionFactory.malformed("Response stream: " + message, null, false, null);
    }

    private static OpenAiCompatException failed(String message, String code, String param) {
        return ExceptionFactory.streamError(new WireError(message == null || message.isEmpty() ? "error event" : message,
                "response.failed", code, param, 0), null);
    }

    private static String or(String a, String b) {
        return a == null || a.isEmpty() ? b : a;
    }

    /** One piece of text being written: its deltas, and the full value once a done event says it. */
    private static final class Part {
        private StringBuilder deltas;
        String full;
        boolean refusal;
        JsonNode annotations;

        void append(String delta) {
            if (deltas == null) {
                deltas = new StringBuilder(128);
            }
            deltas.append(delta);
        }

        String text() {
            return full != null ? full : deltas == null ? "" : deltas.toString();
        }
    }

    /** One output item being assembled. */
    private static final class ItemState {
        final int outputIndex;
        final OutputItem added;
        OutputItem done;
        final TreeMap<Integer, Part> parts = new TreeMap<>();
        final TreeMap<Integer, Part> summary = new TreeMap<>();
        final StringBuilder arguments = new StringBuilder();
        String fullArguments;

        ItemState(int outputIndex, OutputItem added) {
            this.outputIndex = outputIndex;
            this.added = added;
        }

        Part part(int contentIndex) {
            return parts.computeIfAbsent(Math.max(contentIndex, 0), k -> new Part());
        }

        Part summary(int summaryIndex) {
            return summary.computeIfAbsent(Math.max(summaryIndex, 0), k -> new Part());
        }

        OutputItem build() {
            if (done != null) {
                return done;
            }
            if (added instanceof OutputItem.Message m) {
                List<OutputItem.Content> content = new ArrayList<>(m.content());
                for (Part p : parts.values()) {
                    content.add(p.refusal ? new OutputItem.Content.Refusal(p.text())
                            : new OutputItem.Content.OutputText(p.text(), p.annotations));
                }
                return new OutputItem.Message(m.id(), m.status(), content, m.raw());
            }
            if (added instanceof OutputItem.FunctionCall f) {
                String args = fullArguments != null ? fullArguments
                        : arguments.length() > 0 ? arguments.toString() : f.arguments();
                return new OutputItem.FunctionCall(f.id(), f.callId(), f.name(), args, f.status(), f.raw());
            }
            if (added instanceof OutputItem.Reasoning r) {
                List<String> summaryTexts = new ArrayList<>(r.summary());
                summary.values().forEach(p -> summaryTexts.add(p.text()));
                List<String> texts = new ArrayList<>(r.content());
                parts.values().forEach(p -> texts.add(p.text()));
                return new OutputItem.Reasoning(r.id(), summaryTexts, texts, r.encryptedContent(), r.raw());
            }
            return added;
        }
    }
}
