package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A listener on a plain loopback socket, one answer per connection, each on a thread of its own:
 * for answers the JDK server cannot give as a real peer would ({@link PlainApiDoor}, {@link PlainSocketDoor}).
 */
final class PlainDoor implements AutoCloseable {

    /** Answers one connection; the door closes it afterwards. */
    interface Answerer {
        void answer(Socket connection) throws IOException;
    }

    private final ServerSocket socket;
    private final Answerer answerer;
    private final String name;

    PlainDoor(String name, Answerer answerer) {
        this.name = name;
        this.answerer = answerer;
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("no loopback port for " + name, e);
        }
        Thread acceptor = new Thread(this::accept, name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String base() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                Thread t = new Thread(() -> answer(connection), name + "-answer");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void answer(Socket connection) {
        try (connection) {
            answerer.answer(connection);
        } catch (IOException | RuntimeException clientWentAway) {
            // the client gave up, or sent something this door does not read
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
