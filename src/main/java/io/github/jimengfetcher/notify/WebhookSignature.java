package io.github.jimengfetcher.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A provider's notifications signed as Standard Webhooks sign them
 * (jimeng.providers.{name}.notify-signing-secret): headers {@code webhook-id}, {@code webhook-timestamp}
 * (Unix seconds) and {@code webhook-signature}, a space-separated list of {@code v1,<base64 HMAC-SHA256
 * of id.timestamp.body>}, keyed by the secret's bytes, written base64 after {@code whsec_}. A timestamp
 * more than five minutes from now is refused, so a notification caught on the way cannot be replayed later.
 */
public final class WebhookSignature {

    private static final String PREFIX = "whsec_";
    private static final long TOLERANCE_SECONDS = 5 * 60;

    private final byte[] key;

    private WebhookSignature(byte[] key) {
        this.key = key;
    }

    /** What is wrong with a signing secret as written (never saying the secret); null when nothing is. */
    public static String problem(String secret) {
        if (!secret.startsWith(PREFIX)) {
            return "must start with whsec_ followed by the key in base64, as the provider gives it";
        }
        try {
            return Base64.getDecoder().decode(secret.substring(PREFIX.length())).length == 0 ? "holds no key after whsec_" : null;
        } catch (IllegalArgumentException e) {
            return "is not whsec_ followed by base64";
        }
    }

    /** @param secret checked by {@link #problem} first */
    public static WebhookSignature of(String secret) {
        return new WebhookSignature(Base64.getDecoder().decode(secret.substring(PREFIX.length())));
    }

    /** Why the notification is not signed by this secret; null when it is. */
    String refusal(String id, String timestamp, String signatures, byte[] body, long nowMillis) {
        if (id == null || timestamp == null || signatures == null) {
            return "unsigned: webhook-id, webhook-timestamp and webhook-signature are required";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return "webhook-timestamp is not a number of seconds";
        }
        if (Math.abs(nowMillis / 1000 - seconds) > TOLERANCE_SECONDS) {
            return "webhook-timestamp is more than five minutes from now";
        }
        byte[] expected = sign(id + "." + timestamp + ".", body);
        for (String signature : signatures.strip().split(" ")) {
            int comma = signature.indexOf(',');
            if (comma > 0 && signature.substring(0, comma).equals("v1")) {
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(signature.substring(comma + 1));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (MessageDigest.isEqual(expected, given)) {
                    return null;
                }
            }
        }
        return "webhook-signature matches no v1 signature of this provider's notify-signing-secret";
    }

    private byte[] sign(String head, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(head.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
        }
    }
}
