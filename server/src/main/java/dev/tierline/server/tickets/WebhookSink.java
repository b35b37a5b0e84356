package dev.tierline.server.tickets;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A JSON POST per delivery, for systems without a connector. The receiver checks
 * {@code X-Tierline-Signature: sha256=<hex HMAC-SHA256 of the body with the shared secret>} and
 * drops repeats by {@code X-Tierline-Delivery}: a delivery whose response was lost (a timeout) is
 * sent again, with the same id and the same body. Any 2xx is success; anything else is retried.
 */
public final class WebhookSink implements TicketSink {
    public static final String SIGNATURE_HEADER = "X-Tierline-Signature";
    public static final String DELIVERY_HEADER = "X-Tierline-Delivery";
    public static final String EVENT_HEADER = "X-Tierline-Event";

    private final URI url;
    private final byte[] secret;
    private final Duration timeout;
    private final HttpClient http;

    public WebhookSink(String url, String secret, Duration timeout) {
        this.url = URI.create(url);
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public String deliver(Delivery delivery) throws IOException, InterruptedException {
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header(DELIVERY_HEADER, delivery.id())
                .header(EVENT_HEADER, delivery.kind())
                .header(SIGNATURE_HEADER, signature(secret, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("webhook answered " + response.statusCode());
        }
        return null;
    }

    /** {@code sha256=} and the hex HMAC-SHA256 of {@code body}: what a receiver recomputes to check. */
    public static String signature(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
