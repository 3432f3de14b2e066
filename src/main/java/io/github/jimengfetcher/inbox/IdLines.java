package io.github.jimengfetcher.inbox;

import java.nio.charset.StandardCharsets;

/** Id lines: one id a line (perhaps after its provider's name: ark:cgt-...), '#' comments and blank lines ignored; read a line at a time. */
final class IdLines {

    private IdLines() {
    }

    static void read(InboxText text, int firstLine, Reading reading) {
        byte[] bytes = text.bytes();
        int line = firstLine;
        int from = text.start();
        while (from <= text.end()) {
            int lineEnd = from;
            while (lineEnd < text.end() && bytes[lineEnd] != '\n') {
                lineEnd++;
            }
            String candidate = new String(bytes, from, lineEnd - from, StandardCharsets.UTF_8).strip();
            if (!candidate.isEmpty() && !candidate.startsWith("#")) {
                reading.accept(candidate, line, "");
            }
            line++;
            from = lineEnd + 1;
        }
    }
}
