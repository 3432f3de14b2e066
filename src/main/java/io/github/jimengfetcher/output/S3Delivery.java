package io.github.jimengfetcher.output;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.api.TaskLabels;
import io.github.jimengfetcher.config.S3Settings;
import io.github.jimengfetcher.config.VideoNameTemplate;
import io.github.jimengfetcher.download.DownloadResult;
import io.github.jimengfetcher.task.Lease;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Delivers a published video to S3-compatible storage (bean {@code s3Delivery}, jimeng.s3.*) before
 * its result record is written: the task finishes only once the object is there with the file's
 * size ({@link S3Upload}). A fault is a passing one ({@link S3Fault}, a fault of this machine's
 * output): the task waits and tries again. Nothing said here names a key.
 */
public class S3Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(S3Delivery.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper RECORDS = new com.fasterxml.jackson.databind.ObjectMapper();

    private final S3Settings settings;
    private final Path videos;
    private final S3Client s3;
    private final S3BucketWatch bucket;
    private final S3Activity activity = new S3Activity();
    private final S3Keys keys;
    private final S3ImageUploads imageUploads;
    private volatile boolean stopping;

    public S3Delivery(S3Settings settings, Path videos) {
        this.settings = settings;
        this.videos = videos;
        this.s3 = settings.enabled() ? client(settings) : null;
        this.keys = new S3Keys(s3, settings.bucket());
        this.imageUploads = new S3ImageUploads(s3, settings, keys, activity, () -> stopping);
        this.bucket = new S3BucketWatch(bucketUri(), () -> s3.headBucket(b -> b.bucket(settings.bucket())));
    }

    private static S3Client client(S3Settings settings) {
        AwsCredentialsProvider credentials = settings.accessKey().isEmpty() ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
        S3ClientBuilder builder = S3Client.builder().region(Region.of(settings.region())).credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // Checksums only where S3 requires them: many S3-compatible stores refuse the newer trailing ones.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofMinutes(2)));
        if (!settings.endpoint().isEmpty()) {
            builder.endpointOverride(URI.create(settings.endpoint()));
        }
        return builder.build();
    }

    public boolean isEnabled() {
        return s3 != null;
    }

    /** Checks the bucket at start and again while it cannot be used, off the start's thread ({@link S3BucketWatch}). */
    public void start() {
        if (s3 != null) {
            bucket.start();
        }
    }

    /**
     * Before the leases go back at a stop, as the downloads are cut off: the uploads in flight end now
     * (their connections closed), each video back whole in the work folder for the next start, so no
     * lease is given back while its upload still runs, nor the stop held to its timeout.
     */
    public void cutOffAll() {
        if (s3 != null && !stopping) {
            stopping = true;
            bucket.stop();
            s3.close();
        }
    }

    /** Its connections and checks go with the app. */
    public void stop() {
        cutOffAll();
    }

    /** The uploads going on and done, for /tasks and the metrics. */
    public S3Activity activity() {
        return activity;
    }

    /** Why videos cannot be delivered now, in a line naming no path, or null. */
    public String problem() {
        String now = bucket.problem();
        return now == null ? null : "videos cannot be delivered to S3 bucket " + settings.bucket() + " (jimeng.s3.*): " + now;
    }

    /**
     * Uploads the published video and checks the object; with keep-local=false the local copy goes
     * once the object is confirmed. A failed upload puts the video back where its download left it,
     * whole: the task's next attempt finds it there (the storage host has nothing more to send) and
     * publishes it under the same name again.
     *
     * @return the object, or null when delivery is off
     */
    public S3Copy deliver(@Variable("lease") Lease lease, @Variable("labels") TaskLabels labels,
                         @Variable("videoFile") String videoFile, @Variable("download") DownloadResult download) throws IOException {
        if (s3 == null) {
            return null;
        }
        Path file = Path.of(videoFile);
        String key = keyFor(lease, labels, localName(videoFile));
        String etag;
        String id = lease.taskId().value();
        try {
            key = keys.claimVideo(key, id);
            etag = S3Upload.put(s3, settings.bucket(), key, file, download.bytes(), "video/mp4", S3Keys.metadata(id));
        } catch (IOException | RuntimeException e) {
            // Any fault, the SDK's or reading the file: counted, and the video put back for the next attempt.
            // One cut off by the stop is neither: its upload is done again at the next start.
            String why = stopping ? null : describe(e);
            if (why != null) {
                activity.ended(false, 0);
                bucket.failed(why);
            }
            giveBack(file, download);
            throw new S3Fault(why == null ? "upload to s3://" + settings.bucket() + "/" + key + " cut off by the stop, done again at the next start"
                    : "cannot upload to s3://" + settings.bucket() + "/" + key + ": " + why);
        }
        String uri = "s3://" + settings.bucket() + "/" + key;
        activity.ended(true, download.bytes());
        bucket.worked();
        if (!settings.keepLocal()) {
            Files.deleteIfExists(file);
        }
        LOG.info("{} uploaded to {} ({} bytes)", lease.taskId(), uri, download.bytes());
        return new S3Copy(uri, etag, key);
    }

    /**
     * Uploads the images saved beside a delivered video beside its object, whatever key it took; each
     * saved entry gets its s3_uri, or s3_error when it could not go up: an image's fault, never the task's.
     * One cut off by a stop is neither: the task is not recorded, and finishes at the next start.
     *
     * @return the entries, the same maps
     */
    public List<Map<String, Object>> deliverImages(@Variable("lease") Lease lease, @Variable("labels") TaskLabels labels,
                                                   @Variable("videoFile") String videoFile, @Variable("s3") S3Copy video,
                                                   @Variable("images") List<Map<String, Object>> images) throws S3Fault {
        if (s3 == null || images == null) {
            return images;
        }
        Path root = videos.getParent();
        String stem = stem(localName(videoFile));
        for (Map<String, Object> entry : images) {
            if (!(entry.get("file") instanceof String name) || !name.startsWith("videos/")) {
                continue;
            }
            String local = name.substring("videos/".length());
            String key = video != null && local.startsWith(stem + ".") ? stem(video.key()) + local.substring(stem.length())
                    : keyFor(lease, labels, local);
            String uri = "s3://" + settings.bucket() + "/" + key;
            String fault = imageUploads.put(lease, root.resolve(name), key, imageType(name));
            if (fault != null && stopping) {
                // Not the image's fault: nothing is recorded, and the next start puts it up.
                throw new S3Fault("upload of image " + entry.get("name") + " to " + uri + " cut off by the stop, done again at the next start");
            }
            if (fault == null) {
                entry.put("s3_uri", uri);
            } else {
                LOG.warn("{} image {} not uploaded to {}: {}", lease.taskId(), entry.get("name"), uri, fault);
                entry.put("s3_error", "not uploaded to " + uri + ": " + fault);
            }
        }
        return images;
    }

    /** A video's name under videos/, with '/' between its folders. */
    private String localName(String videoFile) {
        return videos.relativize(Path.of(videoFile)).toString().replace(java.io.File.separatorChar, '/');
    }

    private static String stem(String videoName) {
        return videoName.substring(0, videoName.length() - VideoNameTemplate.SUFFIX.length());
    }

    private static String imageType(String name) {
        return name.endsWith(".png") ? "image/png" : name.endsWith(".webp") ? "image/webp" : "image/jpeg";
    }

    private static void giveBack(Path published, DownloadResult download) throws IOException {
        if (download.file() != null) {
            // Its folder may have been cleaned away meanwhile: the verified video is not to be downloaded again for that.
            Files.createDirectories(download.file().getParent());
            Files.move(published, download.file(), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(published);
        }
    }

    /** The key: the prefix's folders (its fields as in jimeng.output.video-name), then the video's own name under videos/. */
    String keyFor(Lease lease, TaskLabels labels, String videoName) {
        if (settings.prefix() == null) {
            return videoName;
        }
        TaskLabels named = labels == null ? TaskLabels.NONE : labels;
        Map<String, String> values = new HashMap<>();
        values.put("task_id", lease.taskId().value());
        values.put("provider", lease.task().ref().provider().value());
        values.put("kind", named.kind());
        values.put("model", named.model());
        values.put("date", LocalDate.now(ZoneOffset.UTC).toString());
        return settings.prefix().foldersFor(values) + "/" + videoName;
    }

    private String bucketUri() {
        return "s3://" + settings.bucket() + (settings.endpoint().isEmpty() ? "" : " at " + settings.endpoint());
    }

    /** The server's error code and status, or what kept the request from it: one line, never a credential. */
    static String describe(Exception e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            // A HEAD's answer has no body to name its error.
            if (code == null || code.isBlank()) {
                code = switch (s3.statusCode()) {
                    case 404 -> "NoSuchBucket";
                    case 403 -> "AccessDenied";
                    case 301 -> "PermanentRedirect";
                    default -> "error";
                };
            }
            return code + " (HTTP " + s3.statusCode() + ")" + (s3.statusCode() == 403 ? ": check jimeng.s3.access-key and jimeng.s3.secret-key" : "");
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    /** The s3:// URI a result record names, or null: none, or no readable record. */
    public static String recordedUri(Path resultFile) {
        try {
            if (!Files.isRegularFile(resultFile) || Files.size(resultFile) > 1 << 20) {
                return null;
            }
            String uri = RECORDS.readTree(resultFile.toFile()).path("s3_uri").asText("");
            return uri.startsWith("s3://") ? uri : null;
        } catch (IOException unreadable) {
            return null;
        }
    }

    /** The object a video was delivered to: its s3:// URI, ETag and key. */
    public record S3Copy(String uri, String etag, String key) {
    }

    /** A passing fault of delivery: an IOException, so the task waits as for a full disk; no cause kept, so nothing reads it as the API's. */
    public static final class S3Fault extends IOException {
        S3Fault(String message) {
            super(message);
        }
    }
}
