package io.github.jimengfetcher.support.fake;

/**
 * One moment of a task, said in no provider's words: each provider shape ({@link ShapedApi}) puts it
 * in its own answer, with its own status word for the kind unless the step names one.
 *
 * @param kind where the task is
 * @param progress 0-100, for shapes that report it
 * @param videoUrl the video on the storage host, once succeeded
 * @param errorCode the provider's error code, when failed
 * @param errorMessage the provider's error message, when failed
 * @param word the status word to send instead of the shape's word for the kind (null: the shape's)
 * @param submittedAt when the task was submitted (epoch ms; 0: when the answer is made)
 */
public record Step(Kind kind, int progress, String videoUrl, String errorCode, String errorMessage, String word, long submittedAt) {

    /** Where a task is. */
    public enum Kind {
        QUEUED, RUNNING, SUCCEEDED, FAILED, EXPIRED, CANCELLED
    }

    public static Step queued() {
        return new Step(Kind.QUEUED, 0, null, null, null, null, 0);
    }

    public static Step running(int progress) {
        return new Step(Kind.RUNNING, progress, null, null, null, null, 0);
    }

    public static Step succeeded(String videoUrl) {
        return new Step(Kind.SUCCEEDED, 100, videoUrl, null, null, null, 0);
    }

    public static Step failed(String code, String message) {
        return new Step(Kind.FAILED, 100, null, code, message, null, 0);
    }

    public static Step expired() {
        return new Step(Kind.EXPIRED, 0, null, null, null, null, 0);
    }

    public static Step cancelled() {
        return new Step(Kind.CANCELLED, 0, null, null, null, null, 0);
    }

    /** The same step, said with this status word. */
    public Step word(String statusWord) {
        return new Step(kind, progress, videoUrl, errorCode, errorMessage, statusWord, submittedAt);
    }

    /** The same step of a task submitted at this time (epoch ms). */
    public Step submittedAt(long epochMillis) {
        return new Step(kind, progress, videoUrl, errorCode, errorMessage, word, epochMillis);
    }

    boolean failed() {
        return kind == Kind.FAILED;
    }

    /** Succeeded, failed, expired or cancelled: nothing more will happen. */
    boolean ended() {
        return kind != Kind.QUEUED && kind != Kind.RUNNING;
    }

    boolean succeeded() {
        return kind == Kind.SUCCEEDED;
    }

    /** When the task was submitted, in Unix seconds: as given, else now. */
    long submittedSeconds() {
        return (submittedAt > 0 ? submittedAt : System.currentTimeMillis()) / 1000;
    }

    /** The shape's word for this kind unless the step names its own. */
    String wordOr(String shapeWord) {
        return word != null ? word : shapeWord;
    }
}
