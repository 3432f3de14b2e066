package io.github.jimengfetcher.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.fake.FakeGateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The error shapes gateways answer with, and the words kept of them. */
class ErrorAnswersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static boolean carriesError(String answer) throws Exception {
        JsonNode root = JSON.readTree(answer);
        return ErrorAnswers.carriesError(root, root.path("data"));
    }

    private static String message(String answer) throws Exception {
        JsonNode root = JSON.readTree(answer);
        return ErrorAnswers.gatewayMessage(root, root.path("data"));
    }

    @Test
    void successCodesAndEmptyErrorsAreNoError() throws Exception {
        for (String ok : new String[] {"{\"code\":\"success\"}", "{\"code\":\"OK\"}", "{\"code\":0}", "{\"code\":200}",
                "{\"code\":10000}", "{\"error\":{}}", "{\"error\":\" \"}", "{\"success\":true}", "{\"code\":\"\",\"success\":true}"}) {
            assertFalse(carriesError(ok), ok);
        }
        for (String error : new String[] {"{\"code\":\"error\"}", "{\"code\":500}", "{\"error\":\"busy\"}",
                "{\"data\":{\"error\":{\"message\":\"x\"}}}", "{\"success\":false}", "{\"code\":\"\",\"success\":false}"}) {
            assertTrue(carriesError(error), error);
        }
    }

    @Test
    void theMessageIsTheGatewaysOwnWordsWithoutKeys() throws Exception {
        assertEquals("channel busy", message("{\"error\":{\"message\":\"channel busy\"},\"message\":\"other\"}"));
        assertEquals("upstream down", message("{\"code\":\"error\",\"msg\":\"upstream down\"}"));
        assertEquals("code 500", message("{\"code\":500,\"message\":\"success\"}"), "a success word is no message");
        assertEquals("", message("{\"success\":false}"));
        assertEquals("invalid key sk-... for this channel", message("{\"error\":\"invalid key sk-AbC123.x_y for this channel\"}"));
        String longMessage = message("{\"message\":\"" + "m".repeat(600) + "\"}");
        assertEquals("m".repeat(500) + "...", longMessage);
    }

    @Test
    void aRefusalNamesTheGatewaysReasonOrTheStartOfABodyThatIsNotJson() {
        assertEquals("the API refused this task (HTTP 403): task belongs to another channel",
                ErrorAnswers.refusalReason("{\"error\":{\"message\":\"task belongs to another channel\"}}"));
        assertEquals("the API refused this task (HTTP 403)", ErrorAnswers.refusalReason(""));
        assertEquals("the API refused this task (HTTP 403)", ErrorAnswers.refusalReason("[1]"));
        assertEquals("the API refused this task (HTTP 403): " + "<".repeat(200), ErrorAnswers.refusalReason(" " + "<".repeat(300)));
        assertEquals("the API refused this task (HTTP 403): <html>key sk-... refused</html>",
                ErrorAnswers.refusalReason("<html>key sk-live-4f9a8b7c6d refused</html>"), "a key echoed in a page that is not JSON is masked too");
    }

    @Test
    void taskNotExistIsRecognisedInCodeOrMessage() {
        assertTrue(ErrorAnswers.isTaskNotFound(FakeGateway.TASK_NOT_EXIST));
        assertTrue(ErrorAnswers.isTaskNotFound("{\"code\":\"error\",\"message\":\"task_not_exist\"}"));
        assertFalse(ErrorAnswers.isTaskNotFound("{\"code\":\"error\",\"message\":\"task not exist\"}"));
        assertFalse(ErrorAnswers.isTaskNotFound(null));
        assertFalse(ErrorAnswers.isTaskNotFound("<html>"));
    }
}
