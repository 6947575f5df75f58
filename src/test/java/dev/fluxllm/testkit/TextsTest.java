package dev.fluxllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextsTest {

    @Test
    void wordsKeepLeadingSpaceAndJoinBackExactly() {
        String text = "  Hello,  world!\nNew line ";

        List<String> words = Texts.words(text);

        assertThat(words).containsExactly("  Hello,", "  world!", "\nNew", " line ");
        assertThat(String.join("", words)).isEqualTo(text);
        assertThat(Texts.words("")).isEmpty();
    }

    @Test
    void piecesNeverSplitASurrogatePair() {
        String text = "ab\uD83D\uDE00cd";

        List<String> pieces = Texts.pieces(text, 3);

        assertThat(pieces).containsExactly("ab\uD83D\uDE00", "cd");
        assertThat(Texts.pieces("abcdefg", 3)).containsExactly("abc", "def", "g");
    }

    @Test
    void bytePiecesMaySplitACharacter() {
        List<byte[]> pieces = Texts.bytePieces("é", 1);

        assertThat(pieces).hasSize(2);
        assertThat(new String(pieces.get(0), StandardCharsets.UTF_8)).isNotEqualTo("é");
        assertThat(Texts.bytePieces("abc", 0)).hasSize(1);
    }

    @Test
    void countsWordsAndAbbreviates() {
        assertThat(Texts.countWords(" one  two\tthree ")).isEqualTo(3);
        assertThat(Texts.countWords("")).isZero();
        assertThat(Texts.abbreviate("abcdef", 4)).isEqualTo("abc…");
        assertThat(Texts.abbreviate("abc", 4)).isEqualTo("abc");
    }
}
