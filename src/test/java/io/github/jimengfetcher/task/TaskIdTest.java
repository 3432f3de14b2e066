package io.github.jimengfetcher.task;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskIdTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"cgt-20250829165122-qkwch", "a", "A_b.c-9", "a..b", "a.", "a-.b"})
    void anIdTheRulesAcceptIsMadeAndReadsAsItsText(String text) {
        TaskId id = TaskId.of(text);
        assertEquals(text, id.value());
        assertEquals(text, id.toString(), "the log and file names show the bare id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "a\\b", "../x", "..\\x", "%2e%2e", "a b", "a?b", "a#b", "a\tb", "a\u0000b",
            "a\u0007b", "a\u202eb", "é", "cgt-\u0085", ".hidden", "..a"})
    void anIdTheRulesRefuseIsNeverMadeAndTheReasonIsTheRulesOwn(String text) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> TaskId.of(text));
        assertEquals(TaskIds.problemWith(text), refused.getMessage());
    }

    @Test
    void nullAndOverlongIdsAreRefused() {
        assertEquals("empty task id", assertThrows(IllegalArgumentException.class, () -> TaskId.of(null)).getMessage());
        assertEquals(128, TaskId.of("a".repeat(128)).value().length());
        assertEquals("task id longer than 128 characters (129)",
                assertThrows(IllegalArgumentException.class, () -> TaskId.of("a".repeat(129))).getMessage());
    }

    @Test
    void idsAreEqualByTheirTextAndOrderedByIt() {
        assertEquals(TaskId.of("cgt-a"), TaskId.of("cgt-a"));
        assertEquals(TaskId.of("cgt-a").hashCode(), TaskId.of("cgt-a").hashCode());
        assertNotEquals(TaskId.of("cgt-a"), TaskId.of("cgt-A"));
        assertNotEquals(TaskId.of("cgt-a"), "cgt-a");
        assertTrue(Set.of(TaskId.of("cgt-a")).contains(TaskId.of("cgt-a")));
        assertTrue(TaskId.of("cgt-a").compareTo(TaskId.of("cgt-b")) < 0);
    }

    @Test
    void anIdIsWrittenToJsonAsThePlainStringAndReadBackChecked() throws Exception {
        assertEquals("\"cgt-a\"", JSON.writeValueAsString(TaskId.of("cgt-a")));
        assertEquals("{\"task_id\":\"cgt-a\"}", JSON.writeValueAsString(Map.of("task_id", TaskId.of("cgt-a"))));
        assertEquals(TaskId.of("cgt-a"), JSON.readValue("\"cgt-a\"", TaskId.class));
        assertThrows(JsonMappingException.class, () -> JSON.readValue("\"../x\"", TaskId.class));
    }

    @Test
    void aTaskKeepsItsIdAsAStringInItsJson() throws Exception {
        Task task = new Task(TaskId.of("cgt-a"), 5);
        String json = JSON.writeValueAsString(task);
        assertTrue(json.startsWith("{\"id\":\"cgt-a\","), json);
        assertEquals(TaskId.of("cgt-a"), JSON.readValue(json, Task.class).id);
        assertThrows(JsonMappingException.class, () -> JSON.readValue("{\"id\":\"../x\",\"phase\":\"FETCH\"}", Task.class));
    }

    @Test
    void aTaskKeepsItsProviderAsItsNameInItsJsonAndOneWithoutReadsAsJimengGateways() throws Exception {
        Task task = new Task(new TaskRef(TaskId.of("cgt-a"), new ProviderName("ark")), 5);
        String json = JSON.writeValueAsString(task);
        assertTrue(json.contains("\"provider\":\"ark\""), json);
        assertEquals(new ProviderName("ark"), JSON.readValue(json, Task.class).provider);
        assertEquals(ProviderName.JIMENG_GATEWAY, JSON.readValue("{\"id\":\"cgt-a\",\"phase\":\"FETCH\"}", Task.class).provider);
        assertThrows(JsonMappingException.class, () -> JSON.readValue("{\"id\":\"cgt-a\",\"provider\":\"Ark!\"}", Task.class));
    }
}
