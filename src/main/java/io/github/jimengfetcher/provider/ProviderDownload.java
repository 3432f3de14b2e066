package io.github.jimengfetcher.provider;

/**
 * Where a finished task's video comes from when the answer holds no URL of it.
 *
 * @param needsKey true: the video is on the provider's own host and asks for the key
 * @param path     the video's path under the provider's base URL, with {@code {id}}; empty: the answer's video-url
 */
public record ProviderDownload(boolean needsKey, String path) {
}
