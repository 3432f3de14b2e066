package io.github.jimengfetcher.task;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"cgt-20250829165122-qkwch", "a", "A_b.c-9", "a..b", "a.", "a-.b"})
    void plainIdsAreValid(String id) {
        assertNull(TaskIds.problemWith(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "a\\b", "../x", "%2e%2e", "a b", "a?b", "a#b", "a\tb", "a\u0000b", "a\u202eb", "é",
            "cgt-\u0085"})
    void anythingThatCouldEscapeAPathOrAUrlIsRejected(String id) {
        assertNotNull(TaskIds.problemWith(id));
        assertThrows(IllegalArgumentException.class, () -> TaskIds.require(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {".hidden", "..a", ".cgt-x", ".DS_Store"})
    void idsStartingWithADotAreRejectedBecauseTheirFilesWouldBeHidden(String id) {
        String problem = TaskIds.problemWith(id);
        assertNotNull(problem);
        assertTrue(problem.contains("may not start with '.'"), problem);
        assertThrows(IllegalArgumentException.class, () -> TaskIds.require(id));
    }

    @org.junit.jupiter.api.Test
    void idsLongerThan128CharactersAreRejected() {
        assertNull(TaskIds.problemWith("a".repeat(128)));
        assertNotNull(TaskIds.problemWith("a".repeat(129)));
    }
}
