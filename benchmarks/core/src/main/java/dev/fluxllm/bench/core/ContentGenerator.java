package dev.fluxllm.bench.core;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic, token-like content: deltas of a few characters, with the occasional newline,
 * quote, non-ASCII letter and emoji a real model emits, so decoders meet escapes and multi-byte
 * UTF-8 (also split across network reads) at realistic rates.
 */
final class ContentGenerator {

    private static final String[] TOKENS = {
        " the", " model", " stream", "ing", " of", " tokens", ",", ".", " a", " to", " and",
        " is", " reactive", " back", "pressure", " client", " in", " Java", " it", " that",
        "\n", "\n\n", " \"quoted\"", " café", " naïve", " —", " 😀", " 42", " {", "}", ":",
        " server", " chunk", " event", " non", "-blocking", " call", " tool", "s", " for",
    };

    private ContentGenerator() {
    }

    static List<String> deltas(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(TOKENS[r.nextInt(TOKENS.length)]);
        }
        return out;
    }

    /** A valid JSON object of about {@code length} characters, without characters outside the BMP. */
    static String argumentsObject(String city, int length, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder notes = new StringBuilder();
        String head = "{\"location\":" + JsonText.quote(city) + ",\"unit\":\"celsius\",\"notes\":";
        while (head.length() + notes.length() + 4 < length) {
            String t = TOKENS[r.nextInt(TOKENS.length)];
            if (t.codePoints().allMatch(Character::isBmpCodePoint)) {
                notes.append(t);
            }
        }
        return head + JsonText.quote(notes.toString()) + "}";
    }

    /** Cuts {@code s} into exactly {@code n} non-empty pieces of near-equal length. */
    static List<String> split(String s, int n) {
        if (s.length() < n) {
            throw new IllegalArgumentException("text shorter than the fragment count");
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(s.substring((int) ((long) i * s.length() / n), (int) ((long) (i + 1) * s.length() / n)));
        }
        return out;
    }
}
