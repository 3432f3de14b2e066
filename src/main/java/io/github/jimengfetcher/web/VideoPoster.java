package io.github.jimengfetcher.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import io.github.jimengfetcher.config.VideoNameTemplate;
import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.task.TaskIds;

/**
 * GET /videos/{id}.poster: the still saved beside a finished video, if any: its last frame, else its
 * cover. First the images its result record names (downloaded from the task's answer), then the
 * stills a hook may have written beside the video, {name}.last-frame.png and {name}.cover.jpg
 * ({name}: the video's name as its record gives it, without .mp4). The status page shows it in place
 * of a player until the video is asked for. 404 when there is none, and for any name that is not a
 * valid task id followed by ".poster".
 *
 * Reads the variable file (the last part of the path).
 */
public class VideoPoster implements Processor {

    public static final String SUFFIX = ".poster";
    /** Each still's image name, and the file name a hook gives it beside the video. */
    private static final String[][] STILLS = {{"last-frame", ".last-frame.png"}, {"cover", ".cover.jpg"}};

    private final OutputFolders outputs;

    public VideoPoster(OutputFolders outputs) {
        this.outputs = outputs;
    }

    /** The poster's address for the status page, or null when no still is saved beside the video. */
    public String urlOf(String id) {
        return still(id) == null ? null : "/videos/" + id + SUFFIX;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        Message answer = exchange.getMessage();
        String file = exchange.getVariable("file", String.class);
        String id = file != null && file.endsWith(SUFFIX) ? file.substring(0, file.length() - SUFFIX.length()) : null;
        Path found = id == null || TaskIds.problemWith(id) != null ? null : still(id);
        if (found != null) {
            try {
                // Streamed as it is sent, like the video beside it.
                answer.setBody(Files.newInputStream(found));
                answer.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                answer.setHeader(Exchange.CONTENT_TYPE, contentType(found));
                answer.setHeader("Cache-Control", "no-cache");
                return;
            } catch (NoSuchFileException gone) {
                // removed between the look and the read: none
            }
        }
        answer.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
        answer.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        answer.setBody("no poster for this video\n");
    }

    /** The first still present, or null. */
    private Path still(String id) {
        Path video = outputs.videoFile(id);
        String name = video.getFileName().toString();
        String stem = name.endsWith(VideoNameTemplate.SUFFIX) ? name.substring(0, name.length() - VideoNameTemplate.SUFFIX.length()) : name;
        for (String[] still : STILLS) {
            Path recorded = outputs.recordedImage(id, still[0]);
            if (recorded != null && Files.isRegularFile(recorded)) {
                return recorded;
            }
            Path beside = video.resolveSibling(stem + still[1]);
            if (Files.isRegularFile(beside)) {
                return beside;
            }
        }
        return null;
    }

    /** By the extension the app gave it from its bytes (or the hook's name). */
    private static String contentType(Path still) {
        String name = still.getFileName().toString();
        if (name.endsWith(".png")) {
            return "image/png";
        }
        return name.endsWith(".webp") ? "image/webp" : "image/jpeg";
    }
}
