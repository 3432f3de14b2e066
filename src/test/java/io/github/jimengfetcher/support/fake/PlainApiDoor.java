package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The same API on a plain socket, for answers whose header names must go out exactly as written:
 * the JDK server sends "Retry-after" for "Retry-After", as an HTTP/2 gateway sends "retry-after",
 * while HTTP/1.1 gateways send it as the standard spells it. One answer per connection.
 */
final class PlainApiDoor implements AutoCloseable {

    private final FakeApi api;
    private final PlainDoor door;

    PlainApiDoor(FakeApi api) {
        this.api = api;
        this.door = new PlainDoor("fake-api-plain", this::answer);
    }

    String base() {
        return door.base();
    }

    private void answer(Socket connection) throws IOException {
        long now = System.currentTimeMillis();
        Request request = Requests.readHead(connection.getInputStream(), now);
        Answer answer = request.path().startsWith(FakeApi.PATH) ? api.respond(request, now) : Answer.status(404);
        if (answer.delayMillis() > 0 && !Transfers.pause(answer.delayMillis(), 0) || answer.fault() == Answer.Fault.NO_ANSWER) {
            return;
        }
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(answer.status()).append(" Answer\r\n");
        answer.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Length: ").append(answer.fault() == Answer.Fault.CUT_OFF ? 1_000 : body.length).append("\r\n");
        head.append("Connection: close\r\n\r\n");
        OutputStream out = connection.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        if (answer.fault() != Answer.Fault.CUT_OFF) {
            out.write(body);
        }
        out.flush();
    }

    @Override
    public void close() {
        door.close();
    }
}
