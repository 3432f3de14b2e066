package io.github.jimengfetcher;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.Browser;
import io.github.jimengfetcher.support.HeldS3;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The status page as a browser shows it: headless Chromium loads GET /, runs its script
 * against the real app, and hands back the DOM it built; or, driven over DevTools (support/Browser),
 * clicks on the page as a user would.
 */
class StatusPageBrowserTest extends AppTestSupport {

    @Test
    void pageShowsPendingProgressAndFinishedTasksAndRefreshesItself() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "Chromium is not installed, so the status page is not tested in a browser here: "
                + "run .ci/install-browser (CI does)");

        String pending = "cgt-page-pending";
        String done = "cgt-page-done";
        String failed = "cgt-page-failed";
        api.answer(pending, Answer.json(FakeGateway.status(pending, "IN_PROGRESS", "45%")));
        byte[] video = TaskListTest.sampleVideo(); // a real, playable MP4 of 4 s
        api.answer(done, Answer.json(FakeGateway.success(done, api.video("page.mp4", video))));
        api.answer(failed, Answer.json(FakeGateway.failure(failed, "<img src=x onerror=alert(1)> rejected")));
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        int port = Http.enable(settings);
        app = RunningApp.start(root, settings);
        app.drop("ids.txt", pending + "\n" + done + "\n" + failed + "\n");
        app.drop("typed-by-hand.txt", pending + "\nnot a <b>task</b> id\n"); // its one id is known already
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode counts = JSON.readTree(Http.get(port, "/tasks").body()).path("counts");
            return counts.path("succeeded").asInt() == 1 && counts.path("failed").asInt() == 1
                    && api.fetchesOf(pending).size() >= 1
                    && JSON.readTree(Http.get(port, "/rejected").body()).path("total").asInt() == 1;
        });
        double pageReadsBefore = tasksRequests(port);

        String dom = dumpDom(chromium.get(), "http://127.0.0.1:" + port + "/");

        assertEquals("1", count(dom, "pending"), dom);
        assertEquals("1", count(dom, "succeeded"), dom);
        assertEquals("1", count(dom, "failed"), dom);
        Matcher updated = Pattern.compile("<div id=\"updated\"[^>]*>([^<]*)<").matcher(dom);
        assertTrue(updated.find() && updated.group(1).startsWith("updated "), "the page read /tasks: " + dom);

        String pendingRow = row(dom, pending);
        assertTrue(pendingRow.contains("data-state=\"pending\""), pendingRow);
        assertTrue(pendingRow.contains("IN_PROGRESS"), pendingRow);
        assertTrue(pendingRow.contains("role=\"progressbar\"") && pendingRow.contains("aria-valuenow=\"45\""), pendingRow);
        assertTrue(pendingRow.contains("width: 45%"), pendingRow);

        String doneRow = row(dom, done);
        assertTrue(doneRow.contains("data-state=\"succeeded\"") && doneRow.contains("aria-valuenow=\"100\""), doneRow);

        String failedRow = row(dom, failed);
        assertTrue(failedRow.contains("data-state=\"failed\""), failedRow);
        // The API's words are shown as text, never run as HTML.
        assertTrue(failedRow.contains("&lt;img src=x onerror=alert(1)&gt; rejected"), failedRow);
        assertFalse(dom.contains("<img"), "no element made from API text");

        assertTrue(tasksRequests(port) - pageReadsBefore >= 2, "the page read /tasks again by itself");

        // The finished task: a play button (no still saved beside its video), no player until it is pressed; its size and duration.
        assertFalse(dom.contains("<video"), "no player before a click: " + doneRow);
        assertTrue(doneRow.contains("<button type=\"button\" aria-label=\"Play the video of " + done + "\" class=\"play\">"), doneRow);
        assertTrue(doneRow.contains("23 KB · 0:04"), doneRow);
        assertFalse(doneRow.contains("Retry"), doneRow);
        // The failed task's reason, and its Retry button (POST /tasks/{id}/retry).
        assertTrue(failedRow.contains("<button type=\"button\" class=\"retry\">Retry</button>"), failedRow);
        assertFalse(pendingRow.contains("Retry"), pendingRow);

        // The bad line of the file dropped: where from, how many, why, its text shown as text.
        Matcher rejected = Pattern.compile("<tr data-record=\"typed-by-hand\\.txt\\.[^\"]+\" data-from=\"file\">.*?</tr>", Pattern.DOTALL).matcher(dom);
        assertTrue(rejected.find(), "the rejected file is listed: " + dom);
        assertTrue(rejected.group().contains(">typed-by-hand.txt<"), rejected.group());
        assertTrue(rejected.group().contains("line 2: <span class=\"text\">not a &lt;b&gt;task&lt;/b&gt; id</span> — task id contains"), rejected.group());
        assertTrue(rejected.group().matches("(?s).*<td class=\"counted\">1</td><td class=\"counted\">1</td>.*"), "1 rejected, 1 accepted: " + rejected.group());
        assertTrue(dom.contains("<b id=\"rejected-total\">1</b>"), dom);
        // Health is UP: no banner.
        assertTrue(dom.contains("<div id=\"banner\" role=\"alert\" hidden=\"\">"), dom);
    }

    @Test
    void pageFiltersByStateAndIdAndPages() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "Chromium is not installed: run .ci/install-browser (CI does)");
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            String id = String.format("cgt-many-%03d", i);
            api.answer(id, Answer.json(FakeGateway.status(id, "QUEUED", "0%")));
            ids.append(id).append('\n');
        }
        String failed = "cgt-many-failed";
        api.answer(failed, Answer.json(FakeGateway.failure(failed, "content policy")));
        ids.append(failed).append('\n');
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        int port = Http.enable(settings);
        app = RunningApp.start(root, settings);
        app.drop("ids.txt", ids.toString());
        await().atMost(Duration.ofSeconds(20)).until(() ->
                JSON.readTree(Http.get(port, "/tasks").body()).path("counts").path("failed").asInt() == 1);

        String failedOnly = dumpDom(chromium.get(), "http://127.0.0.1:" + port + "/?state=failed");
        assertEquals(1, rows(failedOnly), failedOnly);
        assertTrue(row(failedOnly, failed).contains("content policy"));
        assertTrue(failedOnly.contains("<option value=\"failed\" selected") || failedOnly.contains("1–1 of 1"), failedOnly);

        String searched = dumpDom(chromium.get(), "http://127.0.0.1:" + port + "/?q=many-11");
        assertEquals(10, rows(searched), "cgt-many-110..119: " + searched);
        assertTrue(searched.contains("1–10 of 10"), searched);

        String secondPage = dumpDom(chromium.get(), "http://127.0.0.1:" + port + "/?offset=100");
        assertEquals(21, rows(secondPage), "121 tasks, 100 a page");
        assertTrue(secondPage.contains("101–121 of 121"), secondPage);
        row(secondPage, "cgt-many-100");
    }

    @Test
    void retryOnThePageMovesAFailedTaskBackToPending() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "Chromium is not installed: run .ci/install-browser (CI does)");
        String retried = "cgt-click-retried";
        String other = "cgt-click-other"; // failed too; its Retry is not clicked
        api.answer(retried, Answer.json(FakeGateway.failure(retried, "gateway was slow")));
        api.answer(other, Answer.json(FakeGateway.failure(other, "content policy")));
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        int port = Http.enable(settings);
        app = RunningApp.start(root, settings);
        app.drop("ids.txt", retried + "\n" + other + "\n");
        JsonNode failure = awaitFailure(retried);
        awaitFailure(other);
        // Fetched again, the task is still being made: once retried it stays pending.
        api.answer(retried, Answer.json(FakeGateway.status(retried, "IN_PROGRESS", "20%")));
        int fetchesBefore = api.fetchesOf(retried).size();

        try (Browser browser = Browser.start(chromium.get(), Files.createDirectories(root.resolve("chromium-profile")))) {
            Browser.Page page = browser.open("http://127.0.0.1:" + port + "/");
            String button = "document.querySelector('tr[data-task-id=\"" + retried + "\"] button.retry')";
            await().atMost(Duration.ofSeconds(20)).until(() -> page.evaluate(button + " !== null").asBoolean());
            assertEquals("failed", page.evaluate(shownState(retried)).asText());

            // Click, keeping the button's answer line (the row is redrawn, the element kept): what the page told the user.
            page.evaluate("window.clicked = " + button + ".nextElementSibling; " + button + ".click()");
            await().atMost(Duration.ofSeconds(20)).until(() -> !page.evaluate("window.clicked.textContent").asText().isEmpty());
            assertEquals("retrying", page.evaluate("window.clicked.textContent").asText(), "the answer of POST /tasks/{id}/retry");

            // The app did it: the failure record kept in output/superseded/, the task pending in the
            // store again and fetched from the gateway again.
            await().atMost(Duration.ofSeconds(20)).until(() -> superseded(retried).size() == 1);
            assertFalse(Files.exists(app.failure(retried)), "the failure record moved, not copied");
            assertEquals(failure, JSON.readTree(superseded(retried).get(0).toFile()));
            await().atMost(Duration.ofSeconds(20)).until(() -> api.fetchesOf(retried).size() > fetchesBefore);
            JsonNode listed = JSON.readTree(Http.get(port, "/tasks?q=" + retried).body()).path("tasks");
            assertEquals(1, listed.size(), listed.toString());
            assertEquals("pending", listed.get(0).path("state").asText(), listed.toString());

            // The page, refreshed: the task is pending, without a Retry button; the other one is still failed.
            await().atMost(Duration.ofSeconds(10)).until(() -> page.evaluate(shownState(retried)).asText(), equalTo("pending"));
            assertFalse(page.evaluate(button + " !== null").asBoolean(), "no Retry for a pending task");
            assertEquals("failed", page.evaluate(shownState(other)).asText());
            assertEquals("1", page.evaluate("document.querySelector('[data-count=\"failed\"]').textContent").asText());
        }
        assertTrue(Files.exists(app.failure(other)), "only the clicked task was retried");
        assertTrue(superseded(other).isEmpty());
    }

    @Test
    void bannerSaysWhyWhileTheApiRefusesTheKeyAndGoesOnceItAnswers() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "Chromium is not installed: run .ci/install-browser (CI does)");
        String id = "cgt-banner-key";
        api.answer(id, Answer.status(401).body("{\"error\":\"invalid api key\"}"));
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        int port = Http.enable(settings);
        app = RunningApp.start(root, settings);
        app.drop("ids.txt", id + "\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> Http.get(port, "/observe/health").body().contains("the API refuses the key"));

        try (Browser browser = Browser.start(chromium.get(), Files.createDirectories(root.resolve("chromium-profile")))) {
            Browser.Page page = browser.open("http://127.0.0.1:" + port + "/");
            String banner = "(() => { const b = document.getElementById('banner'); if (!b) return 'still loading';"
                    + " return b.hidden || getComputedStyle(b).display === 'none' ? '' : b.textContent; })()";
            await().atMost(Duration.ofSeconds(20)).until(() -> page.evaluate(banner).asText().contains("the API refuses the key"));
            assertTrue(page.evaluate(banner).asText().startsWith("jimeng-fetcher is DOWN:"), page.evaluate(banner).asText());
            assertEquals("jimeng-fetcher", page.evaluate("document.querySelector('#problems li').dataset.check").asText());
            assertTrue(page.evaluate("document.getElementById('banner').getBoundingClientRect().top < "
                    + "document.querySelector('h1').getBoundingClientRect().top").asBoolean(), "at the top of the page");

            // The key is taken again: the next fetch is answered, health is UP, the banner goes by itself.
            api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "10%")));
            await().atMost(Duration.ofSeconds(20)).until(() -> Http.get(port, "/observe/health").statusCode() == 200);
            await().atMost(Duration.ofSeconds(10)).until(() -> page.evaluate(banner).asText().isEmpty());
        }
    }

    /**
     * A page of finished tasks has no player until one is asked for, by a click or the keyboard, and
     * then only that one: at most one {@code <video>} on the page, before and after a click and a refresh.
     */
    @Test
    void finishedTasksShowAPosterOrPlayButtonAndOnePlayerAtATime() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "Chromium is not installed: run .ci/install-browser (CI does)");
        byte[] video = TaskListTest.sampleVideo();
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            String id = "cgt-player-" + i;
            api.answer(id, Answer.json(FakeGateway.success(id, api.video(id + ".mp4", video))));
            ids.append(id).append('\n');
        }
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        int port = Http.enable(settings);
        app = RunningApp.start(root, settings);
        app.drop("ids.txt", ids.toString());
        await().atMost(Duration.ofSeconds(20)).until(() ->
                JSON.readTree(Http.get(port, "/tasks").body()).path("counts").path("succeeded").asInt() == 6);
        // A still saved beside one video (by a hook, say): shown as its poster.
        java.awt.image.BufferedImage frame = new java.awt.image.BufferedImage(64, 36, java.awt.image.BufferedImage.TYPE_INT_RGB);
        javax.imageio.ImageIO.write(frame, "png", app.video("cgt-player-1").resolveSibling("cgt-player-1.last-frame.png").toFile());

        try (Browser browser = Browser.start(chromium.get(), Files.createDirectories(root.resolve("chromium-profile")))) {
            Browser.Page page = browser.open("http://127.0.0.1:" + port + "/");
            await().atMost(Duration.ofSeconds(20)).until(() -> page.evaluate("document.querySelectorAll('#tasks button.play').length").asInt() == 5);
            assertEquals(0, videos(page), "no player before a click");
            String poster = "document.querySelector('tr[data-task-id=\"cgt-player-1\"] button.poster img')";
            await().atMost(Duration.ofSeconds(10)).until(() -> page.evaluate(poster + ".naturalWidth").asInt() > 0);
            assertEquals("videos/cgt-player-1.poster", page.evaluate(poster + ".getAttribute('src')").asText());

            // A click on a play button: one player, in that row, playing the video from GET /videos/{id}.mp4.
            page.evaluate("document.querySelector('tr[data-task-id=\"cgt-player-3\"] button.play').click()");
            assertEquals(1, videos(page));
            assertEquals("videos/cgt-player-3.mp4", page.evaluate("document.querySelector('tr[data-task-id=\"cgt-player-3\"] video').getAttribute('src')").asText());
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    page.evaluate("Number(document.querySelector('video').dataset.readyState)").asInt() >= 1);
            assertTrue(page.evaluate("document.querySelector('tr[data-task-id=\"cgt-player-3\"]').textContent.includes('23 KB · 0:04')").asBoolean(),
                    "size and duration stay beside it");

            // The poster, from the keyboard: focused and Enter pressed, the player moves there; still one.
            page.evaluate("document.querySelector('tr[data-task-id=\"cgt-player-1\"] button.poster').focus()");
            page.press("Enter");
            await().atMost(Duration.ofSeconds(5)).until(() -> page.evaluate("document.querySelector('tr[data-task-id=\"cgt-player-1\"] video') !== null").asBoolean());
            assertEquals(1, videos(page));
            assertTrue(page.evaluate("document.querySelector('tr[data-task-id=\"cgt-player-3\"] button.play') !== null").asBoolean(),
                    "the first row has its play button back");

            // The table refreshes twice: the player stays where it is, alone.
            double before = tasksRequests(port);
            await().atMost(Duration.ofSeconds(10)).until(() -> tasksRequests(port) >= before + 2);
            assertEquals(1, videos(page));
            assertTrue(page.evaluate("document.querySelector('tr[data-task-id=\"cgt-player-1\"] video') !== null").asBoolean());

            // Close: no player at all.
            page.evaluate("document.querySelector('tr[data-task-id=\"cgt-player-1\"] button.close').click()");
            assertEquals(0, videos(page));
        }
    }

    /** On a 390 px wide phone the table scrolls sideways within its box; the page itself does not overflow. */
    @Test
    void onAPhoneWideWindowOnlyTheTableScrollsAndEveryControlIsReachedByKeyboard() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "Chromium is not installed: run .ci/install-browser (CI does)");
        String done = "cgt-phone-done";
        String failed = "cgt-phone-failed";
        api.answer(done, Answer.json(FakeGateway.success(done, api.video("phone.mp4", TaskListTest.sampleVideo()))));
        api.answer(failed, Answer.json(FakeGateway.failure(failed, "the prompt was refused by the content policy of the service, "
                + "https://docs.example.com/a/very/long/address/without/any/space/that/would/let/it/wrap")));
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        int port = Http.enable(settings);
        app = RunningApp.start(root, settings);
        app.drop("ids.txt", done + "\n" + failed + "\n");
        app.drop("a-file-with-a-rather-long-name-that-goes-on-and-on-without-a-break.txt", "not-an-id-either?!\n");
        awaitFailure(failed);
        awaitResult(done);

        try (Browser browser = Browser.start(chromium.get(), Files.createDirectories(root.resolve("chromium-profile")))) {
            Browser.Page page = browser.open("about:blank");
            page.emulateScreen(390, 844);
            page.evaluate("location.href = 'http://127.0.0.1:" + port + "/'");
            await().atMost(Duration.ofSeconds(20)).until(() -> page.evaluate(
                    "document.querySelectorAll('#tasks tr').length === 2 && document.querySelectorAll('#rejections tr').length === 1").asBoolean());
            assertEquals(390, page.evaluate("document.documentElement.clientWidth").asInt());
            assertTrue(page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth").asBoolean(),
                    "the page does not overflow: " + page.evaluate("document.documentElement.scrollWidth").asInt());
            assertTrue(page.evaluate("(() => { const box = document.querySelector('.scroll'); return box.scrollWidth > box.clientWidth; })()").asBoolean(),
                    "the table scrolls within its box");

            // Tab by Tab from the top: every control is reached, each a real control, its focus visible.
            page.evaluate("document.activeElement && document.activeElement.blur()");
            java.util.Set<String> reached = new java.util.LinkedHashSet<>();
            for (int i = 0; i < 20; i++) {
                page.press("Tab");
                JsonNode focused = page.evaluate("(() => { const e = document.activeElement; const style = getComputedStyle(e);"
                        + " return {tag: e.tagName, id: e.id, cls: e.className, outline: style.outlineStyle, visible: e.matches(':focus-visible')}; })()");
                if ("BODY".equals(focused.path("tag").asText())) {
                    break;
                }
                reached.add(focused.path("tag").asText() + "#" + focused.path("id").asText() + "." + focused.path("cls").asText());
                assertTrue(focused.path("visible").asBoolean() && "solid".equals(focused.path("outline").asText()),
                        "focus is shown: " + focused);
            }
            for (String control : List.of("SELECT#state.", "INPUT#q.", "BUTTON#.play", "BUTTON#.retry", "A#.count")) {
                assertTrue(reached.contains(control), control + " reached by Tab, among " + reached);
            }
            // The pager's buttons are disabled on a single page; they are buttons all the same.
            assertEquals("BUTTON", page.evaluate("document.getElementById('next').tagName").asText());
        }
    }

    private static int videos(Browser.Page page) throws Exception {
        return page.evaluate("document.querySelectorAll('video').length").asInt();
    }

    /** A script for the page: the state its row shows for this task, with the answer under its Retry button if any. */
    private static String shownState(String id) {
        return "(() => { const row = document.querySelector('tr[data-task-id=\"" + id + "\"]');"
                + " if (!row) return 'no row';"
                + " const answer = row.querySelector('.answer');"
                + " return row.dataset.state + (answer && answer.textContent ? ' (' + answer.textContent + ')' : ''); })()";
    }

    private List<Path> superseded(String id) throws Exception {
        Path folder = app.output("superseded");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().matches(Pattern.quote(id) + "\\.\\d{8}-\\d{6}\\.json")).toList();
        }
    }

    private static int rows(String dom) {
        Matcher m = Pattern.compile("<tr[^>]*data-task-id=").matcher(dom);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** A video delivered to S3 is linked by its object, with its local copy and without one. */
    @Test
    void aVideoDeliveredToS3IsLinkedByItsObjectWithOrWithoutALocalCopy() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "Chromium is not installed: run .ci/install-browser (CI does)");
        String kept = "cgt-page-s3-kept";
        String gone = "cgt-page-s3-gone";
        try (HeldS3 s3 = new HeldS3()) {
            byte[] video = TaskListTest.sampleVideo();
            api.answer(kept, Answer.json(FakeGateway.success(kept, api.video(kept + ".mp4", video))));
            api.answer(gone, Answer.json(FakeGateway.success(gone, api.video(gone + ".mp4", video))));
            Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
            settings.putAll(s3.settings());
            int port = Http.enable(settings);
            app = RunningApp.start(root, settings);
            app.drop("kept.txt", kept);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(kept)));
            app.close();
            settings.put("jimeng.s3.keep-local", "false");
            app = RunningApp.start(root, settings);
            app.drop("gone.txt", gone);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(gone)));

            JsonNode tasks = JSON.readTree(Http.get(port, "/tasks").body()).path("tasks");
            for (JsonNode task : tasks) {
                assertEquals("s3://" + HeldS3.BUCKET + "/videos/" + task.path("id").asText() + ".mp4", task.path("s3_uri").asText(), tasks.toString());
            }
            String dom = dumpDom(chromium.get(), "http://127.0.0.1:" + port + "/");
            for (String id : List.of(kept, gone)) {
                assertTrue(row(dom, id).contains("<a class=\"s3\" href=\"s3://" + HeldS3.BUCKET + "/videos/" + id + ".mp4\">"), row(dom, id));
            }
            assertTrue(row(dom, kept).contains("class=\"play\""), "the local copy still plays: " + row(dom, kept));
            assertFalse(row(dom, gone).contains("no longer in output/videos"), row(dom, gone));
        }
    }

    /** How often GET /tasks was answered, from Camel's own route metrics. */
    private static double tasksRequests(int port) throws Exception {
        Matcher m = Pattern.compile("(?m)^camel_exchanges_total\\{[^}]*routeId=\"tasks-json\"[^}]*} (\\S+)$")
                .matcher(Http.get(port, "/observe/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static String count(String dom, String name) {
        Matcher m = Pattern.compile("data-count=\"" + name + "\">([^<]*)<").matcher(dom);
        return m.find() ? m.group(1) : "(no " + name + " count)";
    }

    private static String row(String dom, String id) {
        Matcher m = Pattern.compile("<tr[^>]*data-task-id=\"" + Pattern.quote(id) + "\".*?</tr>", Pattern.DOTALL).matcher(dom);
        assertTrue(m.find(), "no row for " + id + " in " + dom);
        return m.group();
    }

    /** The DOM after the page's script ran, with a few seconds of page time for its refreshes. */
    private String dumpDom(Path chromium, String url) throws Exception {
        Path profile = Files.createDirectories(root.resolve("chromium-profile"));
        Path errors = root.resolve("chromium.log");
        Path page = root.resolve("dom.html");
        Process browser = new ProcessBuilder(List.of(chromium.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom", url))
                .redirectOutput(page.toFile())
                .redirectError(errors.toFile())
                .start();
        if (!browser.waitFor(60, TimeUnit.SECONDS)) {
            browser.destroyForcibly();
            throw new AssertionError("Chromium did not finish within 60 s; its log: " + Files.readString(errors));
        }
        String dom = Files.readString(page, StandardCharsets.UTF_8);
        assertTrue(dom.contains("<tbody id=\"tasks\">"), "Chromium printed the page; its log: " + Files.readString(errors));
        return dom;
    }

    static Optional<Path> chromium() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of("chromium", "chromium-browser")
                .flatMap(name -> Stream.of(path.split(File.pathSeparator)).map(dir -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
