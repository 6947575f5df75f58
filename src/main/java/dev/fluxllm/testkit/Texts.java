package dev.fluxllm.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splits scripted text into deltas and estimates token counts; pure functions, no I/O. */
final class Texts {

    private Texts() {
    }

    /**
     * Splits text into word-sized pieces, each a run of whitespace followed by a word, the way
     * tokenizers attach the leading space to the next word; trailing whitespace stays with the last
     * word. The pieces joined give the text back.
     */
    static List<String> words(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i == n && start > 0 && text.substring(start).isBlank()) {
                // Trailing whitespace alone would make a delta with no word in it.
                pieces.set(pieces.size() - 1, pieces.get(pieces.size() - 1) + text.substring(start));
            } else {
                pieces.add(text.substring(start, i));
            }
            start = i;
        }
        return pieces;
    }

    /** Splits text into pieces of {@code size} chars, never between the two halves of a surrogate pair. */
    static List<String> pieces(String text, int size) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(start + size, text.length());
            // A lone surrogate in a delta would not survive UTF-8 encoding.
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end++;
            }
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }

    /** Splits text the way a reply asks: word-sized when {@code size} is 0, else by size. */
    static List<String> split(String text, int size) {
        return size == 0 ? words(text) : pieces(text, size);
    }

    /**
     * Splits the UTF-8 bytes of text into pieces of {@code size} bytes, one piece when size is 0.
     * Raw replies use bytes on purpose: a piece may end inside a multi-byte character, which is
     * what a decoder under test must survive.
     */
    static List<byte[]> bytePieces(String text, int size) {
        byte[] all = text.getBytes(StandardCharsets.UTF_8);
        if (size == 0 || all.length <= size) {
            return List.of(all);
        }
        List<byte[]> pieces = new ArrayList<>();
        for (int start = 0; start < all.length; start += size) {
            int end = Math.min(start + size, all.length);
            byte[] piece = new byte[end - start];
            System.arraycopy(all, start, piece, 0, piece.length);
            pieces.add(piece);
        }
        return pieces;
    }

    /** Counts whitespace-separated words: the server's stand-in for a token count. */
    static long countWords(String text) {
        long count = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                count++;
            }
            inWord = !space;
        }
        return count;
    }

    /** Shortens text to at most {@code max} chars, marking the cut with an ellipsis. */
    static String abbreviate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
