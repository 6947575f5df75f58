package dev.fluxllm.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads every error body shape real servers send, and refuses what is not one. */
class ErrorBodyReaderTest {

    static WireError read(String body) {
        return ErrorBodyReader.read(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void openAiNested() {
        assertThat(read("""
                {"error":{"message":"Invalid 'messages'","type":"invalid_request_error","param":"messages","code":"bad"}}"""))
                .isEqualTo(new WireError("Invalid 'messages'", "invalid_request_error", "bad", "messages", 0));
    }

    @Test
    void vllmNestedWithIntegerCodeCarriesStatus() {
        assertThat(read("{\"error\":{\"message\":\"too long\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}"))
                .isEqualTo(new WireError("too long", "BadRequestError", "400", null, 400));
    }

    @Test
    void vllmFlat() {
        assertThat(read("{\"object\":\"error\",\"message\":\"bad\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}"))
                .isEqualTo(new WireError("bad", "BadRequestError", "400", null, 400));
    }

    @Test
    void ollamaString() {
        assertThat(read("{\"error\":\"model 'x' not found\"}"))
                .isEqualTo(new WireError("model 'x' not found", null, null, null, 0));
    }

    @Test
    void tgiStringWithErrorType() {
        assertThat(read("{\"error\":\"Input validation error\",\"error_type\":\"validation\"}"))
                .isEqualTo(new WireError("Input validation error", "validation", null, null, 0));
    }

    @Test
    void tgiInStreamWithHttpStatus() {
        assertThat(read("{\"error\":{\"message\":\"bad input\",\"http_status_code\":422}}"))
                .isEqualTo(new WireError("bad input", null, null, null, 422));
    }

    @Test
    void errorTypeBesideNestedErrorFillsMissingType() {
        assertThat(read("{\"error\":{\"message\":\"m\"},\"error_type\":\"overloaded\"}").type()).isEqualTo("overloaded");
        assertThat(read("{\"error\":{\"message\":\"m\",\"type\":\"own\"},\"error_type\":\"outer\"}").type()).isEqualTo("own");
    }

    @Test
    void fastApiStringDetail() {
        assertThat(read("{\"detail\":\"Not Found\"}")).isEqualTo(new WireError("Not Found", null, null, null, 0));
    }

    @Test
    void fastApiValidationListReadsAsLocationAndMessage() {
        WireError e = read("""
                {"detail":[{"type":"missing","loc":["body","messages"],"msg":"Field required","input":{}},
                           {"type":"int_parsing","loc":["body","messages",0,"n"],"msg":"Input should be a valid integer"}]}""");
        assertThat(e.message()).isEqualTo("body.messages: Field required; body.messages.0.n: Input should be a valid integer");
    }

    @Test
    void fastApiOddDetailIsKeptAsJson() {
        assertThat(read("{\"detail\":{\"reason\":\"x\"}}").message()).isEqualTo("{\"reason\":\"x\"}");
        assertThat(read("{\"detail\":[\"a\",\"b\"]}").message()).isEqualTo("[\"a\",\"b\"]");
    }

    @Test
    void cloudflare() {
        assertThat(read("{\"result\":null,\"success\":false,\"errors\":[{\"code\":7009,\"message\":\"Upstream down\"}],\"messages\":[]}"))
                .isEqualTo(new WireError("Upstream down", null, "7009", null, 0));
    }

    @Test
    void llamaCpp() {
        assertThat(read("""
                {"error":{"code":400,"message":"context exceeded","type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}}"""))
                .isEqualTo(new WireError("context exceeded", "exceed_context_size_error", "400", null, 400));
    }

    @Test
    void errorObjectWithoutMessageIsShownAsJson() {
        WireError e = read("{\"error\":{\"code\":\"rate_limit\"}}");
        assertThat(e.message()).contains("rate_limit");
        assertThat(e.code()).isEqualTo("rate_limit");
    }

    @Test
    void objectValuedFieldsBecomeText() {
        WireError e = read("{\"error\":{\"message\":\"m\",\"param\":{\"name\":\"x\"},\"code\":[1]}}");
        assertThat(e.param()).isEqualTo("{\"name\":\"x\"}");
        assertThat(e.code()).isEqualTo("[1]");
    }

    @Test
    void whitespaceAroundBodyIsFine() {
        assertThat(read("\n\n  {\"error\":\"x\"}\r\n").message()).isEqualTo("x");
    }

    @Test
    void byteOrderMarkIsSkipped() {
        assertThat(read("\uFEFF{\"error\":\"x\"}")).isNotNull().extracting(WireError::message).isEqualTo("x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not json", "<html><title>502</title></html>", "[]", "[{\"error\":\"x\"}]",
            "\"error\"", "42", "null", "{}", "{\"error\":null}", "{\"error\":42}", "{\"detail\":null}",
            "{\"success\":false,\"errors\":[]}", "{\"success\":true,\"errors\":[{\"message\":\"x\"}]}",
            "{\"object\":\"chat.completion\",\"message\":\"hi\"}", "{\"error\":{\"message\":\"trunc"})
    void notAnErrorBody(String body) {
        assertThat(read(body)).isNull();
    }

    @Test
    void nullBody() {
        assertThat(ErrorBodyReader.read(null)).isNull();
        assertThat(ErrorBodyReader.read(new byte[0])).isNull();
    }

    @Test
    void deeplyNestedBodyIsRefusedWithoutStackOverflow() {
        assertThat(read("{\"error\":{\"message\":\"m\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}}")).isNull();
        assertThat(read("[".repeat(100_000))).isNull();
    }

    @Test
    void invalidUtf8DoesNotThrow() {
        byte[] body = {'{', '"', 'e', 'r', 'r', 'o', 'r', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        WireError e = ErrorBodyReader.read(body);
        if (e != null) {
            assertThat(e.message()).isNotNull();
        }
    }
}
