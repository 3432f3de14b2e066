package io.github.jimengfetcher.output;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Whether a single PUT's ETag, as the HEAD gives it with its encryption headers, vouches for the file. */
class S3UploadTest {

    private static final String MD5 = "9e107d9d372bb6826bd81d3542a419d6";
    private static final String OTHER = "0123456789abcdef0123456789abcdef";

    @Test
    void anUnencryptedObjectsEtagMustBeTheFilesMd5() {
        assertNull(S3Upload.etagProblem(MD5, MD5, null, null));
        assertNull(S3Upload.etagProblem(MD5, MD5, "AES256", null), "S3-managed keys keep the MD5 as the ETag");
        assertEquals("the stored object's ETag " + OTHER + " is not the file's MD5 " + MD5, S3Upload.etagProblem(MD5, OTHER, null, null));
        assertEquals("the stored object's ETag " + OTHER + " is not the file's MD5 " + MD5, S3Upload.etagProblem(MD5, OTHER, "AES256", null));
    }

    @Test
    void anUpperCaseEtagAsAlibabaOssGivesIsComparedWithTheMd5AllTheSame() {
        assertNull(S3Upload.etagProblem(MD5, MD5.toUpperCase(java.util.Locale.ROOT), null, null));
        String other = OTHER.toUpperCase(java.util.Locale.ROOT);
        assertEquals("the stored object's ETag " + other + " is not the file's MD5 " + MD5, S3Upload.etagProblem(MD5, other, null, null));
    }

    @Test
    void anObjectEncryptedWithKmsOrCustomerKeysStandsOnItsSizeAndTheContentMd5CheckedOnReceipt() {
        assertNull(S3Upload.etagProblem(MD5, OTHER, "aws:kms", null));
        assertNull(S3Upload.etagProblem(MD5, OTHER, "aws:kms:dsse", null));
        assertNull(S3Upload.etagProblem(MD5, OTHER, null, "AES256"), "SSE-C: the customer's algorithm in the HEAD");
    }

    @Test
    void anEtagOfAnotherShapeOrAMultipartOneIsNotCompared() {
        assertNull(S3Upload.etagProblem(MD5, "oss-etag-of-its-own", null, null));
        assertNull(S3Upload.etagProblem(null, OTHER + "-3", null, null));
        assertNull(S3Upload.etagProblem(null, OTHER, null, null));
    }
}
