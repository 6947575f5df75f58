package dev.fluxllm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Describes a call to SGLang's {@code POST /score}: the probability of each label token after
 * {@code query + item} (or {@code item + query} with {@code itemFirst}), for each item. Query and
 * items are text or token ids.
 *
 * <pre>{@code
 * ScoreRequest.builder().query("Is this review positive? ").items(List.of("Great!", "Awful."))
 *     .labelTokenIds(9454, 2753).applySoftmax(true).build()
 * }</pre>
 */
public final class ScoreRequest {

    private final String model;
    private final Object query;
    private final Object items;
    private final List<Integer> labelTokenIds;
    private final Boolean applySoftmax;
    private final Boolean itemFirst;
    private final Map<String, Object> extra;

    private ScoreRequest(Builder b) {
        this.model = b.model;
        this.query = b.query;
        this.items = b.items;
        this.labelTokenIds = b.labelTokenIds;
        this.applySoftmax = b.applySoftmax;
        this.itemFirst = b.itemFirst;
        this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
    }

    /** Starts a request; query, items and label token ids are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the model, null to use the client's default (or none). */
    public String model() { return model; }

    /** Returns the query: a {@code String} or a {@code List<Integer>} of token ids. */
    public Object query() { return query; }

    /** Returns the items: a {@code List<String>} or a {@code List<List<Integer>>}. */
    public Object items() { return items; }

    /** Returns the label token ids. */
    public List<Integer> labelTokenIds() { return labelTokenIds; }

    /** Returns {@code apply_softmax}, null when not sent. */
    public Boolean applySoftmax() { return applySoftmax; }

    /** Returns {@code item_first}, null when not sent. */
    public Boolean itemFirst() { return itemFirst; }

    /** Returns extra top-level fields, sent verbatim. */
    public Map<String, Object> extra() { return extra; }

    /** Builds a {@link ScoreRequest}. */
    public static final class Builder {
        private String model;
        private Object query;
        private Object items;
        private List<Integer> labelTokenIds;
        private Boolean applySoftmax;
        private Boolean itemFirst;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder() {
        }

        /** Sets the model; default: the client's default model, not sent when neither is set. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Sets the query text. */
        public Builder query(String query) {
            this.query = Objects.requireNonNull(query, "query");
            return this;
        }

        /** Sets the query as token ids. */
        public Builder queryTokens(List<Integer> tokenIds) {
            this.query = nonEmpty("queryTokens", tokenIds);
            return this;
        }

        /** Sets the items as texts. */
        public Builder items(List<String> items) {
            this.items = nonEmpty("items", items);
            return this;
        }

        /** Sets the items as token-id lists. */
        public Builder itemTokens(List<List<Integer>> items) {
            List<List<Integer>> copy = new ArrayList<>();
            for (List<Integer> item : nonEmpty("itemTokens", items)) {
                copy.add(nonEmpty("itemTokens element", item));
            }
            this.items = List.copyOf(copy);
            return this;
        }

        /** Sets the token ids whose probabilities are returned, in this order. */
        public Builder labelTokenIds(int... ids) {
            List<Integer> list = new ArrayList<>(ids.length);
            for (int id : ids) {
                list.add(id);
            }
            this.labelTokenIds = nonEmpty("labelTokenIds", list);
            return this;
        }

        /** Sets the token ids whose probabilities are returned, in this order. */
        public Builder labelTokenIds(List<Integer> ids) {
            this.labelTokenIds = nonEmpty("labelTokenIds", ids);
            return this;
        }

        /** Sets {@code apply_softmax}: normalise over the labels (default: not sent; SGLang's default is false). */
        public Builder applySoftmax(boolean applySoftmax) {
            this.applySoftmax = applySoftmax;
            return this;
        }

        /** Sets {@code item_first}: put each item before the query (default: not sent; SGLang's default is false). */
        public Builder itemFirst(boolean itemFirst) {
            this.itemFirst = itemFirst;
            return this;
        }

        /** Adds a top-level field sent verbatim; it wins over a typed one of the same name. */
        public Builder extra(String key, Object value) {
            extra.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /** Builds the request; fails when query, items or label token ids are missing. */
        public ScoreRequest build() {
            if (query == null) {
                throw new IllegalArgumentException("query is required");
            }
            if (items == null) {
                throw new IllegalArgumentException("items is required");
            }
            if (labelTokenIds == null) {
                throw new IllegalArgumentException("labelTokenIds is required");
            }
            return new ScoreRequest(this);
        }

        private static <T> List<T> nonEmpty(String field, List<T> list) {
            if (list == null || list.isEmpty()) {
                throw new IllegalArgumentException(field + " must not be empty");
            }
            return List.copyOf(list);
        }
    }
}
