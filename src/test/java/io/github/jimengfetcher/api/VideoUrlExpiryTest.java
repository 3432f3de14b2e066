package io.github.jimengfetcher.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class VideoUrlExpiryTest {

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void volcengineTos() {
        String url = "https://ark-content-generation-cn-beijing.tos-cn-beijing.volces.com/seedance/v.mp4"
                + "?X-Tos-Algorithm=TOS4-HMAC-SHA256&X-Tos-Credential=AKLT%2F20250829%2Fcn-beijing%2Ftos%2Frequest"
                + "&X-Tos-Date=20250829T165226Z&X-Tos-Expires=86400&X-Tos-Signature=abc&X-Tos-SignedHeaders=host";
        assertEquals(at("2025-08-30T16:52:26Z"), VideoUrlExpiry.expiresAt(url));
    }

    @Test
    void awsSignatureV4() {
        String url = "https://bucket.s3.amazonaws.com/v.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20250101T000000Z"
                + "&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=f00";
        assertEquals(at("2025-01-01T01:00:00Z"), VideoUrlExpiry.expiresAt(url));
    }

    @Test
    void classicExpiresInUnixSeconds() {
        assertEquals(1_756_489_946_000L, VideoUrlExpiry.expiresAt("https://b.oss-cn-hangzhou.aliyuncs.com/v.mp4?OSSAccessKeyId=x&Expires=1756489946&Signature=y"));
        assertEquals(1_756_489_946_000L, VideoUrlExpiry.expiresAt("https://d111.cloudfront.net/v.mp4?Expires=1756489946&Signature=y&Key-Pair-Id=K"));
    }

    @Test
    void namesMatchRegardlessOfCaseAndTheEarliestOfTwoFormsCounts() {
        assertEquals(at("2025-01-01T00:10:00Z"), VideoUrlExpiry.expiresAt("https://h/v.mp4?x-tos-date=20250101T000000Z&x-tos-expires=600"));
        assertEquals(at("2025-01-01T00:00:10Z"),
                VideoUrlExpiry.expiresAt("https://h/v.mp4?X-Amz-Date=20250101T000000Z&X-Amz-Expires=3600&Expires=" + at("2025-01-01T00:00:10Z") / 1000));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://h/v.mp4",
        "https://h/v.mp4?sig=abc",
        "https://h/v.mp4?X-Tos-Expires=86400&X-Tos-Signature=abc", // no date: the life alone says nothing
        "https://h/v.mp4?X-Tos-Date=20250829T165226Z", // no life
        "https://h/v.mp4?X-Tos-Date=2025-08-29&X-Tos-Expires=86400", // not ISO basic
        "https://h/v.mp4?X-Tos-Date=20250829T165226Z&X-Tos-Expires=soon",
        "https://h/v.mp4?X-Amz-Date=20250101T000000Z&X-Amz-Expires=-5",
        "https://h/v.mp4?X-Amz-Date=20250101T000000Z&X-Amz-Expires=99999999999999999999",
        "https://h/v.mp4?Expires=tomorrow",
        "https://h/v.mp4?Expires=3600", // a life, not a moment
        "https://h/v.mp4?Expires=1756489946000", // milliseconds
        "https://h/v.mp4?Expires=%zz",
        "not a url at all ^",
        ""
    })
    void malformedOrMissingValuesAreIgnored(String url) {
        assertNull(VideoUrlExpiry.expiresAt(url), url);
    }

    @Test
    void aMalformedFormDoesNotHideAGoodOne() {
        assertEquals(1_756_489_946_000L, VideoUrlExpiry.expiresAt("https://h/v.mp4?X-Tos-Date=junk&X-Tos-Expires=1&Expires=1756489946"));
        assertNull(VideoUrlExpiry.expiresAt(null));
    }
}
