package io.github.jimengfetcher.output;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * One file streamed to one object and checked there: a single PUT up to the part size, else a
 * multipart upload of parts read from the file in turn (memory stays flat whatever the size). Each
 * request carries its bytes' MD5 (Content-MD5), so the server refuses bytes that changed on the way;
 * then a HEAD must show the file's size, and a single PUT's ETag its MD5 where the server gives one.
 */
final class S3Upload {

    static final long PART_SIZE = 16L * 1024 * 1024;
    private static final int BUFFER = 64 * 1024;

    private S3Upload() {
    }

    /**
     * @param metadata the object's user metadata (its task, {@link S3Keys#metadata})
     * @return the object's ETag, without quotes
     */
    static String put(S3Client s3, String bucket, String key, Path file, long size, String contentType, Map<String, String> metadata)
            throws IOException {
        String md5 = null;
        if (size <= PART_SIZE) {
            byte[] digest = md5(file, 0, size);
            md5 = HexFormat.of().formatHex(digest);
            s3.putObject(b -> b.bucket(bucket).key(key).contentLength(size).contentType(contentType).metadata(metadata)
                    .contentMD5(Base64.getEncoder().encodeToString(digest)), RequestBody.fromFile(file));
        } else {
            multipart(s3, bucket, key, file, size, contentType, metadata);
        }
        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
        if (head.contentLength() == null || head.contentLength() != size) {
            throw new IOException("the stored object has " + head.contentLength() + " bytes, not " + size);
        }
        String etag = head.eTag() == null ? "" : head.eTag().replace("\"", "");
        String refused = etagProblem(md5, etag, head.serverSideEncryptionAsString(), head.sseCustomerAlgorithm());
        if (refused != null) {
            throw new IOException(refused);
        }
        return etag;
    }

    /**
     * Whether a single PUT's ETag vouches for the file, from the HEAD's fields. With KMS keys
     * (aws:kms, aws:kms:dsse) or the customer's own (an SSE-C algorithm) the ETag is not the MD5 of
     * the bytes, so it is not compared: the size and the Content-MD5 the server checked on receipt
     * stand for them. Nor is an ETag that is not MD5-shaped (other stores' own kinds).
     *
     * @param md5 the file's MD5 in hex, or null for a multipart upload (its ETag is never an MD5)
     * @return why the object is refused, or null
     */
    static String etagProblem(String md5, String etag, String serverSideEncryption, String customerAlgorithm) {
        // Some stores (Alibaba OSS) give the MD5 in upper case: compared all the same.
        if (md5 == null || etag == null || !etag.matches("[0-9a-fA-F]{32}")) {
            return null;
        }
        boolean kms = serverSideEncryption != null && serverSideEncryption.startsWith("aws:kms");
        boolean customerKey = customerAlgorithm != null && !customerAlgorithm.isBlank();
        if (kms || customerKey || etag.equalsIgnoreCase(md5)) {
            return null;
        }
        return "the stored object's ETag " + etag + " is not the file's MD5 " + md5;
    }

    private static void multipart(S3Client s3, String bucket, String key, Path file, long size, String contentType, Map<String, String> metadata)
            throws IOException {
        String upload = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType).metadata(metadata)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += PART_SIZE, number++) {
                long length = Math.min(PART_SIZE, size - offset);
                long from = offset;
                int part = number;
                String md5 = Base64.getEncoder().encodeToString(md5(file, from, length));
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(upload).partNumber(part).contentLength(length).contentMD5(md5),
                        RequestBody.fromContentProvider(() -> range(file, from, length), length, "application/octet-stream")).eTag();
                parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(upload).multipartUpload(m -> m.parts(parts)));
        } catch (IOException | RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(upload));
            } catch (RuntimeException notAborted) {
                e.addSuppressed(notAborted);
            }
            throw e;
        }
    }

    private static byte[] md5(Path file, long from, long length) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = range(file, from, length)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    /** length bytes of the file from an offset, read as they are sent. */
    private static InputStream range(Path file, long from, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(from);
            return new FilterInputStream(Channels.newInputStream(channel)) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    left -= b < 0 ? 0 : 1;
                    return b;
                }

                @Override
                public int read(byte[] into, int offset, int count) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(into, offset, (int) Math.min(count, left));
                    left -= Math.max(n, 0);
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
