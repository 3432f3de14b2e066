package io.github.jimengfetcher.download;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The request line of a video download holds the URL's path and query exactly as given. */
class VideoRequestTest {

    @Test
    void pathAndQueryAreSentAsGiven() {
        SimpleHttpRequest get = VideoRequest.get(
                "https://v.example.com:8443/videos/%E8%A7%86%E9%A2%91%20a.mp4?X-Tos-Signature=a%2Bb&x=1|2^3#frag");
        assertEquals("GET", get.getMethod());
        assertEquals("https", get.getScheme());
        assertEquals("v.example.com:8443", get.getAuthority().toString());
        assertEquals("/videos/%E8%A7%86%E9%A2%91%20a.mp4?X-Tos-Signature=a%2Bb&x=1|2^3", get.getPath(),
                "characters a browser leaves as they are pass too; the fragment stays home");
    }

    @Test
    void aUrlWithoutPathAsksForTheRoot() {
        assertEquals("/?sig=1", VideoRequest.get("http://v.example.com?sig=1").getPath());
        assertEquals("/", VideoRequest.get("http://v.example.com").getPath());
    }
}
