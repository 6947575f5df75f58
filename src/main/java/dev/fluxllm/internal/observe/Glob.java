package dev.fluxllm.internal.observe;

import java.util.regex.Pattern;

/** Matches model names against glob patterns: {@code *} any run of characters, {@code ?} one character. */
public final class Glob {

    private final String pattern;
    private final Pattern regex;

    private Glob(String pattern) {
        this.pattern = pattern;
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        this.regex = Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** Compiles a pattern; blank ones are refused. */
    public static Glob of(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("modelPatterns must not contain a blank pattern");
        }
        return new Glob(pattern);
    }

    /** Returns whether the whole name matches. */
    public boolean matches(String name) {
        return name != null && regex.matcher(name).matches();
    }

    /** Returns the pattern as given. */
    public String pattern() {
        return pattern;
    }
}
