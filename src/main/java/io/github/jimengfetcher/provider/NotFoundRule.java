package io.github.jimengfetcher.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An HTTP error answer that means the provider does not know the task (Ark's 404 with
 * {@code error.code} ResourceNotFound): the task ends as not found, as after task_not_exist.
 *
 * @param httpStatus the answer's status code
 * @param errorCode  also required at the answer's failure-code pointer; empty: any body
 */
public record NotFoundRule(int httpStatus, String errorCode) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param codePointer where the error answer holds its code (the provider's answer.failure-code) */
    public boolean matches(int status, String body, String codePointer) {
        if (status != httpStatus) {
            return false;
        }
        if (errorCode.isEmpty()) {
            return true;
        }
        if (codePointer.isEmpty() || body == null || body.isBlank()) {
            return false;
        }
        try {
            JsonNode code = JSON.readTree(body).at(codePointer);
            return code.isValueNode() && errorCode.equals(code.asText().strip());
        } catch (JsonProcessingException notJson) {
            return false;
        }
    }

    /** For the failure record: "HTTP 404 ResourceNotFound". */
    public String describe() {
        return "HTTP " + httpStatus + (errorCode.isEmpty() ? "" : " " + errorCode);
    }
}
