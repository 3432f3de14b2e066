package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A second listener of the storage host on a plain socket, for the answers the JDK server cannot
 * give: a body without Content-Length or chunks, ended by closing the connection (HTTP/1.0 style).
 * Videos whose script holds CLOSE_EARLY or CLOSE_AT_END get their URL here; SERVE works here too.
 */
final class PlainSocketDoor implements AutoCloseable {

    private final StorageHost host;
    private final PlainDoor door;

    PlainSocketDoor(StorageHost host) {
        this.host = host;
        this.door = new PlainDoor("storage-host-plain", this::answer);
    }

    String base() {
        return door.base();
    }

    private void answer(Socket connection) throws IOException {
        Request request = Requests.readHead(connection.getInputStream(), System.currentTimeMillis());
        String path = request.path();
        String name = path.substring(path.lastIndexOf('/') + 1);
        host.record(request);
        StorageHost.Video video = host.video(name);
        StorageHost.Behaviour behaviour = host.next(video, path);
        OutputStream out = connection.getOutputStream();
        if (behaviour == null) {
            out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        long length = video.content().length();
        long from = behaviour == StorageHost.Behaviour.SERVE ? Transfers.rangeStart(request.range()) : 0;
        long to = behaviour == StorageHost.Behaviour.CLOSE_EARLY ? length / 2 : length;
        String status;
        if (from >= length) {
            status = "416 Range Not Satisfiable\r\nContent-Range: bytes */" + length + "\r\nContent-Length: 0";
            to = from;
        } else if (behaviour != StorageHost.Behaviour.SERVE) {
            status = "200 OK"; // no length: the close ends the body
        } else if (from > 0) {
            status = "206 Partial Content\r\nContent-Range: bytes " + from + "-" + (length - 1) + "/" + length
                    + "\r\nContent-Length: " + (length - from);
        } else {
            status = "200 OK\r\nContent-Length: " + length;
        }
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: video/mp4\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        if (to > from) {
            video.content().write(out, from, to);
        }
        out.flush();
        host.counter(video).accept(Math.max(0, to - from));
    }

    @Override
    public void close() {
        door.close();
    }
}
