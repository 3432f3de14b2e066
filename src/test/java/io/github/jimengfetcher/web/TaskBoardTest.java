package io.github.jimengfetcher.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TaskBoardTest {

    @Test
    void progressTextBecomesAPercentForTheBar() {
        assertEquals(45, TaskBoard.percent("45%"));
        assertEquals(45, TaskBoard.percent(" 45.5 % "));
        assertEquals(100, TaskBoard.percent("100%"));
        assertEquals(null, TaskBoard.percent(""));
        assertEquals(null, TaskBoard.percent("almost"));
        assertEquals(null, TaskBoard.percent(null));
    }
}
