package io.github.jimengfetcher.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.output.S3Delivery;
import io.github.jimengfetcher.task.TaskIds;

/**
 * GET /videos/{id}.mp4: a finished video from output/videos, under the name its result record gives
 * ({@link OutputFolders#videoFile}), whole (200) or the byte range the
 * browser asks for (206), so that it can seek. The body is a stream over the open file, read
 * piece by piece as the HTTP server writes it out: a video is never held in memory.
 *
 * Reads the variables file (the last part of the path) and range (the Range header); only a
 * valid task id followed by ".mp4" names a file, so no path leaves the videos folder.
 */
public class VideoStream implements Processor {

    private static final String SUFFIX = ".mp4";

    private final OutputFolders outputs;

    public VideoStream(OutputFolders outputs) {
        this.outputs = outputs;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message answer = exchange.getMessage();
        String file = exchange.getVariable("file", String.class);
        String id = file != null && file.endsWith(SUFFIX) ? file.substring(0, file.length() - SUFFIX.length()) : null;
        if (id == null || TaskIds.problemWith(id) != null) {
            notFound(answer);
            return;
        }
        Path video = outputs.videoFile(id);
        FileChannel channel;
        try {
            channel = FileChannel.open(video, StandardOpenOption.READ);
        } catch (NoSuchFileException | java.nio.file.AccessDeniedException e) {
            notFound(answer);
            String stored = S3Delivery.recordedUri(outputs.resultFile(id));
            if (stored != null) {
                answer.setBody("no local copy: the video is at " + stored + "\n");
            }
            return;
        }
        boolean handedOver = false;
        try {
            VideoRange range = VideoRange.of(exchange.getVariable("range", String.class), channel.size());
            answer.setHeader("Accept-Ranges", "bytes");
            answer.setHeader(Exchange.CONTENT_TYPE, "video/mp4");
            answer.setHeader("Cache-Control", "no-cache");
            switch (range.kind()) {
                case UNSATISFIABLE -> {
                    answer.setHeader(Exchange.HTTP_RESPONSE_CODE, 416);
                    answer.setHeader("Content-Range", range.contentRange());
                    answer.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
                    answer.setBody("range not satisfiable: the video has " + range.fileLength() + " bytes\n");
                }
                case PART -> {
                    answer.setHeader(Exchange.HTTP_RESPONSE_CODE, 206);
                    answer.setHeader("Content-Range", range.contentRange());
                    answer.setBody(new ChannelSlice(channel, range.first(), range.length()));
                    handedOver = true;
                }
                case WHOLE -> {
                    answer.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    answer.setBody(new ChannelSlice(channel, 0, range.fileLength()));
                    handedOver = true;
                }
            }
        } finally {
            if (!handedOver) {
                channel.close();
            }
        }
    }

    private static void notFound(Message answer) {
        answer.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
        answer.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        answer.setBody("no such video\n");
    }

    /**
     * length bytes of the file from start, read on demand; closing it (the HTTP server does, at
     * the end or when the client goes away) closes the file.
     */
    static final class ChannelSlice extends InputStream {

        private final FileChannel channel;
        private long remaining;

        ChannelSlice(FileChannel channel, long start, long length) throws IOException {
            this.channel = channel.position(start);
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            int n = channel.read(ByteBuffer.wrap(buffer, offset, (int) Math.min(length, remaining)));
            if (n < 0) {
                remaining = 0; // the file shrank: end here rather than hang
                return -1;
            }
            remaining -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
