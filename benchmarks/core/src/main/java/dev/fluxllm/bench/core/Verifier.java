package dev.fluxllm.bench.core;

import java.util.List;

/** Compares an assembled answer with what the server sent; returns null when it matches. */
public final class Verifier {

    private Verifier() {
    }

    public static String mismatch(Script script, Answer a) {
        if (a == null) {
            return "no answer";
        }
        if (a.text() == null) {
            // The floor parses nothing: it is checked on the byte count alone.
            return a.bodyBytes() == script.body().length ? null
                : "read " + a.bodyBytes() + " body bytes, server sent " + script.body().length;
        }
        String textDiff = diff("text", script.expectedText(), a.text());
        if (textDiff != null) {
            return textDiff;
        }
        List<Answer.Call> want = script.expectedCalls();
        List<Answer.Call> got = a.calls();
        if (want.size() != got.size()) {
            return "expected " + want.size() + " tool calls, got " + got.size();
        }
        for (int i = 0; i < want.size(); i++) {
            String d = diff("call " + i + " id", want.get(i).id(), got.get(i).id());
            d = d != null ? d : diff("call " + i + " name", want.get(i).name(), got.get(i).name());
            d = d != null ? d : diff("call " + i + " arguments", want.get(i).arguments(), got.get(i).arguments());
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private static String diff(String what, String want, String got) {
        if (want.equals(got)) {
            return null;
        }
        if (got == null) {
            return what + ": null";
        }
        int i = 0;
        while (i < want.length() && i < got.length() && want.charAt(i) == got.charAt(i)) {
            i++;
        }
        return what + " differs at char " + i + " (expected length " + want.length() + ", got "
            + got.length() + "): got \"" + snippet(got, i) + "\", expected \"" + snippet(want, i) + "\"";
    }

    private static String snippet(String s, int at) {
        int from = Math.max(0, at - 10);
        return s.substring(from, Math.min(s.length(), at + 20)).replace("\n", "\\n");
    }
}
