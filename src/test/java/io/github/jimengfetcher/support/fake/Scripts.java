package io.github.jimengfetcher.support.fake;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Scripted tasks: each task's answers, given one fetch after another, the last one repeating. */
final class Scripts {

    private record Script(List<Answer> answers, AtomicInteger given) {
        Answer next() {
            return answers.get(Math.min(given.getAndIncrement(), answers.size() - 1));
        }
    }

    private final Map<String, Script> scripts = new ConcurrentHashMap<>();

    void put(String id, Answer... answers) {
        scripts.put(id, new Script(List.of(answers), new AtomicInteger()));
    }

    /** The task's next answer, or null for a task without a script. */
    Answer next(String id) {
        Script script = scripts.get(id);
        return script == null ? null : script.next();
    }
}
