package dev.fluxllm.testkit;

/** Builds the deterministic answer a server gives when no reply is scripted. */
final class EchoResponder {

    /** Longest quote of the user's message; the answer stays short and readable in a sample. */
    static final int MAX_QUOTE = 200;

    static final String SIGNATURE = "This is a scripted answer from ScriptedLlmServer.";

    private EchoResponder() {
    }

    /** Returns a text reply quoting the last user message, or a 400 when the body is not a JSON object. */
    static Reply reply(RecordedRequest request) {
        if (!request.json().isObject()) {
            return Reply.error(400, "We could not parse the JSON body of your request. (HINT: This likely means you"
                    + " aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)");
        }
        return Reply.text(answer(request.lastUserMessage()));
    }

    /** Returns {@code You said: <text>. This is a scripted answer ...}, or a greeting when text is blank. */
    static String answer(String userText) {
        String quote = Texts.abbreviate(userText.strip().replaceAll("\\s+", " "), MAX_QUOTE);
        if (quote.isEmpty()) {
            return "Hello! " + SIGNATURE;
        }
        boolean ended = quote.endsWith(".") || quote.endsWith("!") || quote.endsWith("?") || quote.endsWith("…");
        return "You said: " + quote + (ended ? " " : ". ") + SIGNATURE;
    }
}
