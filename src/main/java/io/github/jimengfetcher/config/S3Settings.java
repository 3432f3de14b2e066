package io.github.jimengfetcher.config;

/**
 * Delivery of finished videos to S3-compatible storage (jimeng.s3.*): on or off, the bucket, the
 * key's folders (a template of the video name's fields), where the storage is (empty: AWS), how
 * it is addressed, the credentials (both empty: the AWS default chain) and whether the local copy stays.
 */
public record S3Settings(boolean enabled, String bucket, VideoNameTemplate prefix, String endpoint, boolean pathStyle, String region,
        String accessKey, String secretKey, boolean keepLocal) {

    static final String ENABLED = "jimeng.s3.enabled";
    static final String BUCKET = "jimeng.s3.bucket";
    static final String PREFIX = "jimeng.s3.prefix";
    static final String ENDPOINT = "jimeng.s3.endpoint";
    static final String PATH_STYLE = "jimeng.s3.path-style";
    static final String REGION = "jimeng.s3.region";
    static final String ACCESS_KEY = "jimeng.s3.access-key";
    static final String SECRET_KEY = "jimeng.s3.secret-key";
    static final String KEEP_LOCAL = "jimeng.s3.keep-local";

    public static S3Settings read(SettingsReader settings) {
        boolean enabled = settings.flag(ENABLED);
        boolean pathStyle = settings.flag(PATH_STYLE);
        boolean keepLocal = settings.flag(KEEP_LOCAL);
        String bucket = settings.text(BUCKET);
        String prefix = settings.text(PREFIX);
        String endpoint = settings.url(ENDPOINT);
        String region = settings.text(REGION);
        String accessKey = settings.text(ACCESS_KEY);
        String secretKey = settings.text(SECRET_KEY);
        if (!prefix.isEmpty()) {
            String problem = VideoNameTemplate.problem(prefix);
            if (problem != null) {
                throw new IllegalStateException(SettingChecks.message(settings.written(PREFIX), PREFIX, prefix,
                        problem.replace("write a name under output/videos/ such as {task_id}.mp4 or {date}/{kind}/{task_id}.mp4",
                                "write folders such as videos or videos/{date}/{kind}").replace("output/videos/", "the bucket")));
            }
        }
        if (endpoint.matches("https?://[^/?#]*@.*")) {
            // Never the value: what stands before the '@' may be a password.
            throw new IllegalStateException(settings.written(ENDPOINT) + " holds a user or password (user:password@host): write the keys in "
                    + ACCESS_KEY + " and " + SECRET_KEY + ", and the URL without them (" + SettingChecks.whatItIs(settings.written(ENDPOINT), ENDPOINT) + ")");
        }
        if (!endpoint.isEmpty() && hostOf(endpoint) == null) {
            throw new IllegalStateException(SettingChecks.message(settings.written(ENDPOINT), ENDPOINT, endpoint,
                    "has no host name the AWS SDK can reach (letters, digits, '-' and '.', or an IP address; no '_'): "
                            + "write a URL such as http://minio.lan:9000"));
        }
        if (enabled) {
            if (bucket.isEmpty()) {
                throw new IllegalStateException(settings.written(BUCKET) + " is empty while " + ENABLED
                        + "=true: write the bucket's name (" + SettingChecks.whatItIs(settings.written(BUCKET), BUCKET) + ")");
            }
            if (accessKey.isEmpty() != secretKey.isEmpty()) {
                // Never a value: either may be the secret.
                throw new IllegalStateException(ACCESS_KEY + " and " + SECRET_KEY + " go together: write both, or neither for the AWS "
                        + "default credentials (environment variables JIMENG_S3_ACCESS_KEY, JIMENG_S3_SECRET_KEY)");
            }
            if (!region.isEmpty() && !region.matches("[A-Za-z0-9-]+")) {
                throw new IllegalStateException(SettingChecks.message(settings.written(REGION), REGION, region,
                        "is not a region's name: write one such as us-east-1 (letters, digits and '-')"));
            }
            if (region.isEmpty()) {
                throw new IllegalStateException(settings.written(REGION) + " is empty: write the bucket's region, such as us-east-1 "
                        + "(any for most S3-compatible stores; " + SettingChecks.whatItIs(settings.written(REGION), REGION) + ")");
            }
        }
        return new S3Settings(enabled, bucket, prefix.isEmpty() ? null : VideoNameTemplate.of(prefix), endpoint, pathStyle, region,
                accessKey, secretKey, keepLocal);
    }

    /** The URL's host as the SDK reads it, or null: the URL check lets through what java.net.URI finds no host in. */
    private static String hostOf(String endpoint) {
        try {
            return new java.net.URI(endpoint).getHost();
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /** Never the keys. */
    @Override
    public String toString() {
        return "S3Settings[enabled=" + enabled + ", bucket=" + bucket + ", prefix=" + prefix + ", endpoint=" + endpoint + ", pathStyle="
                + pathStyle + ", region=" + region + ", credentials=" + (accessKey.isEmpty() ? "default chain" : "set") + ", keepLocal="
                + keepLocal + "]";
    }
}
