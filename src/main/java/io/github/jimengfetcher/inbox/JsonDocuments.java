package io.github.jimengfetcher.inbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON documents one after another (JSON lines, or values simply concatenated), read as a stream:
 * each task_id field, at any depth, and each entry of a task_ids list is a candidate id, for the
 * provider a {@code provider} field of the same object names (else as an id line would be); no
 * document is held whole, however long its list.
 *
 * Nothing is dropped silently: a document without ids, a value that is not a string, a
 * malformed document are each rejected with the reason; the ids of a document count only once
 * it is read whole. After a malformed document reading goes
 * on at the next line that starts with '{' or '[' (the next document of JSON lines).
 */
final class JsonDocuments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonDocuments() {
    }

    /**
     * @param complete whether the input is whole; if not (its writer may still be writing), a last
     *                 document cut short is left for a later read instead of being rejected
     * @return where reading stopped: text.end(), or the start of a last document cut short
     */
    static int read(InboxText text, int firstLine, boolean complete, Reading reading) {
        byte[] bytes = text.bytes();
        int from = text.start();
        int line = firstLine;
        boolean any = false;
        while (from < text.end()) {
            long docStart = 0;
            int docLine = line;
            try (JsonParser parser = JSON.getFactory().createParser(new ByteArrayInputStream(bytes, from, text.end() - from))) {
                JsonToken token;
                while ((token = parser.nextToken()) != null) {
                    any = true;
                    docStart = parser.currentTokenLocation().getByteOffset();
                    docLine = line + parser.currentTokenLocation().getLineNr() - 1;
                    // Its ids count once the whole document is read: one cut short or malformed gives none.
                    Reading document = reading.part();
                    readDocument(parser, token, docLine, line, document);
                    reading.merge(document);
                    // What follows is judged from here: an error between documents is not laid on the last one.
                    docStart = parser.currentLocation().getByteOffset();
                    docLine = line + parser.currentLocation().getLineNr() - 1;
                }
                break;
            } catch (JsonProcessingException e) {
                int start = from + (int) Math.max(0, docStart);
                if (e instanceof JsonEOFException && !complete) {
                    return start;
                }
                int next = nextDocumentLine(bytes, start, text.end());
                String problem = e instanceof JsonEOFException ? "the document is cut short: " : "not valid JSON: ";
                reading.reject(docLine, null, problem + e.getOriginalMessage()
                        + (next < text.end() ? "; reading goes on at line " + (docLine + lines(bytes, start, next)) : ""));
                line = docLine + lines(bytes, start, next);
                from = next;
                any = true;
            } catch (IOException e) {
                throw new IllegalStateException("reading bytes in memory cannot fail", e);
            }
        }
        if (!any && complete && firstLine == 1) {
            reading.reject(0, null, "JSON document has no task_id or task_ids field");
        }
        return text.end();
    }

    private static void readDocument(JsonParser parser, JsonToken first, int docLine, int firstLine, Reading reading) throws IOException {
        if (!first.isStructStart()) {
            reading.reject(docLine, parser.getText(), "JSON document has no task_id or task_ids field");
            return;
        }
        int found = 0;
        int depth = 1;
        // The ids of an object are taken at its end, when its provider field, before or after them, is known.
        Deque<ObjectIds> objects = new ArrayDeque<>();
        if (first == JsonToken.START_OBJECT) {
            objects.push(new ObjectIds());
        }
        while (depth > 0) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new JsonEOFException(parser, null, "unexpected end of input in a document");
            }
            if (token.isStructStart()) {
                depth++;
                if (token == JsonToken.START_OBJECT) {
                    objects.push(new ObjectIds());
                }
            } else if (token.isStructEnd()) {
                depth--;
                if (token == JsonToken.END_OBJECT) {
                    objects.pop().take(reading);
                }
            } else if (token == JsonToken.FIELD_NAME && ("task_id".equals(parser.currentName()) || "task_ids".equals(parser.currentName()))) {
                boolean list = "task_ids".equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (list && value == JsonToken.START_ARRAY) {
                    // {"task_ids": ["a", "b"]}: a list of ids, as scripts send them.
                    while ((value = parser.nextToken()) != JsonToken.END_ARRAY) {
                        found += candidate(parser, value, firstLine, reading, objects.peek());
                    }
                } else {
                    found += candidate(parser, value, firstLine, reading, objects.peek());
                }
            } else if (token == JsonToken.FIELD_NAME && "provider".equals(parser.currentName())) {
                objects.peek().provider(parser);
            }
        }
        if (found == 0) {
            reading.reject(docLine, null, "JSON document has no task_id or task_ids field");
        }
    }

    private static int candidate(JsonParser parser, JsonToken value, int firstLine, Reading reading, ObjectIds object) throws IOException {
        if (value == null) {
            throw new JsonEOFException(parser, null, "unexpected end of input in a document");
        }
        int line = firstLine + parser.currentTokenLocation().getLineNr() - 1;
        if (value == JsonToken.VALUE_STRING) {
            object.add(parser.getText().strip(), line);
        } else if (value != JsonToken.VALUE_NULL) {
            String shown = value.isStructStart() ? parser.readValueAsTree().toString() : parser.getText();
            reading.reject(line, shown, "task_id is not a string");
        }
        return 1;
    }

    /** The ids of one JSON object, and the provider it names beside them. */
    private static final class ObjectIds {

        private final List<String> ids = new ArrayList<>();
        private final List<Integer> lines = new ArrayList<>();
        private String provider;
        private String providerProblem;

        void add(String id, int line) {
            ids.add(id);
            lines.add(line);
        }

        /** Reads the value of a provider field: a name, or null. */
        void provider(JsonParser parser) throws IOException {
            JsonToken value = parser.nextToken();
            if (value == null) {
                throw new JsonEOFException(parser, null, "unexpected end of input in a document");
            }
            if (value == JsonToken.VALUE_STRING) {
                provider = parser.getText().strip();
            } else if (value != JsonToken.VALUE_NULL) {
                parser.skipChildren();
                providerProblem = "provider is not a string";
            }
        }

        void take(Reading reading) {
            for (int i = 0; i < ids.size(); i++) {
                if (providerProblem != null) {
                    reading.reject(lines.get(i), ids.get(i), providerProblem);
                } else {
                    reading.accept(ids.get(i), provider, lines.get(i), "");
                }
            }
        }
    }

    /** Just after the line end of the first line after from's that starts with '{' or '['; end if none. */
    private static int nextDocumentLine(byte[] bytes, int from, int end) {
        for (int i = from; i < end - 1; i++) {
            if (bytes[i] == '\n' && (bytes[i + 1] == '{' || bytes[i + 1] == '[')) {
                return i + 1;
            }
        }
        return end;
    }

    private static int lines(byte[] bytes, int from, int to) {
        int lines = 0;
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
