package dev.fluxllm;

import java.util.Objects;

/**
 * Holds one part of a multi-part user message: text or an image URL (an {@code http(s)} URL or a
 * {@code data:} URL).
 *
 * @param type      {@code text} or {@code image_url}
 * @param text      the text of a text part, else null
 * @param imageUrl  the URL of an image part, else null
 * @param detail    the image detail ({@code low}, {@code high}, {@code auto}), null to leave it out
 */
public record ContentPart(String type, String text, String imageUrl, String detail) {

    public ContentPart {
        Objects.requireNonNull(type, "type");
    }

    /** Creates a text part. */
    public static ContentPart text(String text) {
        return new ContentPart("text", Objects.requireNonNull(text, "text"), null, null);
    }

    /** Creates an image part from a URL. */
    public static ContentPart imageUrl(String url) {
        return imageUrl(url, null);
    }

    /** Creates an image part from a URL with a detail level. */
    public static ContentPart imageUrl(String url, String detail) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("imageUrl must not be blank");
        }
        return new ContentPart("image_url", null, url, detail);
    }
}
