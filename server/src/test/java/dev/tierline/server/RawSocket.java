package dev.tierline.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A plain blocking socket for clients that misbehave below the WebSocket layer: one that trickles
 * an HTTP head, or one that upgrades and then never answers a ping. Reads block with a timeout, so
 * a test waits for what the server does rather than for a fixed time.
 */
public final class RawSocket implements AutoCloseable {
    /** A frame the server sent: its opcode, and its payload as text. */
    public record Frame(int opcode, byte[] payload) {
        public int closeCode() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        public String closeReason() {
            return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket = new Socket();
    private final InputStream in;

    public RawSocket(URI server) throws IOException {
        socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5_000);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
    }

    public void write(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Upgrades to a WebSocket on {@code /ws} and reads the server's 101 response. */
    public void upgrade() throws IOException {
        String key = Base64.getEncoder().encodeToString("tierline-rawsock!".substring(0, 16).getBytes(StandardCharsets.US_ASCII));
        write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the upgrade: " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head.toString(StandardCharsets.US_ASCII));
        }
    }

    /** The next frame from the server (servers do not mask), or {@code null} at end of stream. */
    public Frame readFrame() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        int length = in.read() & 0x7f;
        if (length == 126) {
            length = (in.read() << 8) | in.read();
        } else if (length == 127) {
            throw new IOException("frame too large for this test client");
        }
        return new Frame(first & 0x0f, in.readNBytes(length));
    }

    /** Blocks until the server closes the connection; true if it did within the socket timeout. */
    public boolean awaitEndOfStream() throws IOException {
        try {
            while (in.read() >= 0) {
                // discard whatever the server still says
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
