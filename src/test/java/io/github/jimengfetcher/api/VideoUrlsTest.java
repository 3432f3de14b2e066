package io.github.jimengfetcher.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Video URLs are sent as a browser sends them: encoded where they must be, untouched where they may be. */
class VideoUrlsTest {

    @Test
    void spacesAreEncoded() {
        assertEquals("https://h.example/my%20video.mp4?a=b%20c", VideoUrls.encode("https://h.example/my video.mp4?a=b c"));
    }

    @Test
    void cjkInThePathIsEncodedAsUtf8() {
        assertEquals("https://h.example/%E8%A7%86%E9%A2%91/%E7%8C%AB.mp4", VideoUrls.encode("https://h.example/视频/猫.mp4"));
    }

    @Test
    void cjkInTheQueryIsEncodedAndTheRestKept() {
        assertEquals("https://h.example/a.mp4?title=%E7%8C%AB&X-Tos-Expires=86400",
                VideoUrls.encode("https://h.example/a.mp4?title=猫&X-Tos-Expires=86400"));
    }

    @Test
    void anAlreadyEncodedSignedUrlIsUnchanged() {
        String signed = "https://x.tos-cn-beijing.volces.com/v/a%20b.mp4?X-Tos-Algorithm=TOS4-HMAC-SHA256"
                + "&X-Tos-Credential=AKL%2F20250829%2Fcn-beijing%2Ftos%2Frequest&X-Tos-Signature=ab+cd=="
                + "&list=1,2;x=(y)&at=@:~!$'*";
        assertEquals(signed, VideoUrls.encode(signed));
        assertEquals("https://h.example/%e8%a7%86.mp4", VideoUrls.encode("https://h.example/%e8%a7%86.mp4"));
    }

    @Test
    void aPercentNotFollowedByTwoHexDigitsIsEncoded() {
        assertEquals("https://h.example/100%25.mp4?p=50%25", VideoUrls.encode("https://h.example/100%.mp4?p=50%"));
        assertEquals("https://h.example/a%25zz.mp4?q=%252", VideoUrls.encode("https://h.example/a%zz.mp4?q=%2"));
    }

    @Test
    void charactersAUriDoesNotAllowAreEncoded() {
        assertEquals("https://h.example/a%22b%3Cc%3E%7Bd%7D%7Ce%5Cf%5Eg%60h%5B1%5D.mp4",
                VideoUrls.encode("https://h.example/a\"b<c>{d}|e\\f^g`h[1].mp4"));
    }

    @Test
    void theFragmentIsDroppedAsItIsNeverSent() {
        assertEquals("https://h.example/a.mp4?x=1", VideoUrls.encode("https://h.example/a.mp4?x=1#t=10"));
    }

    @Test
    void anInternationalHostBecomesPunycodeAndPortAndCaseAreKept() {
        assertEquals("https://xn--cy2a840a.example:8443/a.mp4", VideoUrls.encode("https://视频.example:8443/a.mp4"));
        assertEquals("https://CDN.Example.com/a.mp4", VideoUrls.encode("  https://CDN.Example.com/a.mp4 "));
        assertEquals("http://[::1]:8080/a.mp4", VideoUrls.encode("http://[::1]:8080/a.mp4"));
    }

    @Test
    void somethingThatIsNoUrlIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> VideoUrls.encode("not a url"));
        assertThrows(IllegalArgumentException.class, () -> VideoUrls.encode("https:///a.mp4"));
        assertThrows(IllegalArgumentException.class, () -> VideoUrls.encode("https://bad host/a.mp4"));
    }

    @Test
    void imagesAreToldFromVideos() {
        assertTrue(VideoUrls.looksLikeImage("https://h/cover.JPG?x=1"));
        assertTrue(VideoUrls.looksLikeImage("https://h/a.webp"));
        assertFalse(VideoUrls.looksLikeImage("https://h/a.mp4?cover=b.jpg"));
        assertFalse(VideoUrls.looksLikeImage("https://h/stream"));
    }
}
