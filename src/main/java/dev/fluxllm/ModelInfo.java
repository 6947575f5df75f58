package dev.fluxllm;

/**
 * Describes one model listed by {@code GET /models}.
 *
 * @param id       the model's id, as requests name it
 * @param ownedBy  the {@code owned_by} field, "" when absent
 * @param created  the {@code created} Unix time in seconds, 0 when absent
 */
public record ModelInfo(String id, String ownedBy, long created) {

    public ModelInfo {
        ownedBy = ownedBy == null ? "" : ownedBy;
    }
}
