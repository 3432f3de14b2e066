package io.github.jimengfetcher.config;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a template makes of the values it is given: never a path step, never a hidden name, never outside the folder. */
class VideoNameTemplateTest {

    private static Map<String, String> values(String kind, String model) {
        Map<String, String> values = new HashMap<>();
        values.put("task_id", "cgt-1");
        values.put("provider", "ark");
        values.put("kind", kind);
        values.put("model", model);
        values.put("date", "2025-08-29");
        return values;
    }

    @Test
    void valuesAreMadeSafeForOneFileName() {
        VideoNameTemplate template = VideoNameTemplate.of("{date}/{provider}/{kind}/{model}_{task_id}.mp4");
        assertEquals("2025-08-29/ark/a_b_c/_hidden_cgt-1.mp4", template.nameFor(values("a/b\\c", ".hidden")));
        assertEquals("2025-08-29/ark/__/_._cgt-1.mp4", template.nameFor(values("视频", "..")), "non-ASCII as '_', '..' no step");
        assertEquals("2025-08-29/ark/unknown/unknown_cgt-1.mp4", template.nameFor(values(" ", null)), "blank or missing: unknown");
        assertEquals(64, template.nameFor(values("k".repeat(300), "m")).split("/")[2].length(), "a long value is cut");
    }

    @Test
    void mp4IsAddedOnlyWhereMissing() {
        assertEquals("cgt-1.mp4", VideoNameTemplate.of("{task_id}").nameFor(values("k", "m")));
        assertEquals("cgt-1.mp4", VideoNameTemplate.of(VideoNameTemplate.DEFAULT).nameFor(values("k", "m")));
        assertEquals("k/cgt-1.v1.mp4", VideoNameTemplate.of("{kind}/{task_id}.v1").nameFor(values("k", "m")));
    }

    @Test
    void onlyTemplatesThatStayInsideTheFolderAreAccepted() {
        for (String good : new String[] {"{task_id}.mp4", "{date}/{kind}/{task_id}.mp4", "videos-{date}/x..y-{model}", "a.b/{task_id}"}) {
            assertNull(VideoNameTemplate.problem(good), good);
        }
        for (String bad : new String[] {"", "..", "a/../b", "/abs/{task_id}", "\\\\host\\share", "C:/v/{task_id}", "a//b",
                "a/", "{nope}", "{task_id", "a b", ".x/{task_id}", "./{task_id}", "~/{task_id}", "{task_id}}"}) {
            assertTrue(VideoNameTemplate.problem(bad) != null, bad + " is refused");
        }
        assertTrue(VideoNameTemplate.problem("{task_id}{task_id}{task_id}").startsWith("could give names longer than 233"));
    }

    @Test
    void aTemplateLeavesRoomInItsFileNamesForTheImagesBesideTheVideo() {
        String justFits = "x".repeat(VideoNameTemplate.MAX_NAME - VideoNameTemplate.IMAGE_ROOM - ".mp4".length());
        assertEquals(null, VideoNameTemplate.problem(justFits));
        assertTrue(VideoNameTemplate.problem(justFits + "x").contains("255 with an image's name"));
        assertEquals(null, VideoNameTemplate.problem("x".repeat(VideoNameTemplate.MAX_NAME) + "/{task_id}"), "a folder's name has no images");
    }
}
