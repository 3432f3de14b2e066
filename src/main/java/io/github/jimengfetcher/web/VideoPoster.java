package io.github.jimengfetcher.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.task.TaskIds;

/**
 * GET /videos/{id}.poster: the still saved beside a finished video, if any (by a hook, say): its
 * last frame {id}.last-frame.png, else its cover {id}.cover.jpg, both in the video's folder. The status
 * page shows it in place of a player until the video is asked for. 404 when there is none, and for
 * any name that is not a valid task id followed by ".poster".
 *
 * Reads the variable file (the last part of the path).
 */
public class VideoPoster implements Processor {

    public static final String SUFFIX = ".poster";
    private static final String[][] STILLS = {{".last-frame.png", "image/png"}, {".cover.jpg", "image/jpeg"}};

    private final OutputFolders outputs;

    public VideoPoster(OutputFolders outputs) {
        this.outputs = outputs;
    }

    /** The poster's address for the status page, or null when no still is saved beside the video. */
    public String urlOf(String id) {
        return still(id) < 0 ? null : "/videos/" + id + SUFFIX;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        Message answer = exchange.getMessage();
        String file = exchange.getVariable("file", String.class);
        String id = file != null && file.endsWith(SUFFIX) ? file.substring(0, file.length() - SUFFIX.length()) : null;
        int found = id == null || TaskIds.problemWith(id) != null ? -1 : still(id);
        if (found >= 0) {
            try {
                // Streamed as it is sent, like the video beside it.
                answer.setBody(Files.newInputStream(stillFile(id, found)));
                answer.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                answer.setHeader(Exchange.CONTENT_TYPE, STILLS[found][1]);
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

    /** The index of the first still present, or -1. */
    private int still(String id) {
        for (int i = 0; i < STILLS.length; i++) {
            if (Files.isRegularFile(stillFile(id, i))) {
                return i;
            }
        }
        return -1;
    }

    private Path stillFile(String id, int index) {
        Path video = outputs.videoFile(id);
        return video.resolveSibling(id + STILLS[index][0]);
    }
}
