package dev.tierline.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that cuts connections where a seeded random generator says: after a
 * random number of bytes sent to the client, that connection is closed abruptly. Cut points are
 * byte counts, not times, so a seed gives the same cuts for the same traffic. It can also stop
 * forwarding to one connection, to play a client that stopped reading.
 */
public final class FaultyProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Random random;
    private final int meanBytesBetweenCuts;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicBoolean cutting = new AtomicBoolean();
    private final AtomicInteger cuts = new AtomicInteger();
    private final Thread acceptor;

    public FaultyProxy(int targetPort, long seed, int meanBytesBetweenCuts) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.random = new Random(seed);
        this.meanBytesBetweenCuts = meanBytesBetweenCuts;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "faulty-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Starts or stops cutting connections. */
    public void cutting(boolean on) {
        cutting.set(on);
    }

    public int cuts() {
        return cuts.get();
    }

    /** Stops forwarding server bytes to the newest connection whose client sent {@code marker} first. */
    public List<Link> links() {
        return links;
    }

    private synchronized long nextCut() {
        return 1 + random.nextInt(2 * meanBytesBetweenCuts);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                // A fixed window (set before connect, so the kernel does not autotune it up to tens
                // of MB): when a link is paused the server sees a stalled reader soon. Not smaller:
                // at 16 KiB the advertised window fell below loopback's segment size and the
                // server's kernel stopped sending to a proxy that had read everything (ss showed
                // 1.7 MB not sent, the window at 13,404 bytes against an MSS of 13,962, for 20 s
                // and more): a reader stuck by the harness, not by Tierline.
                server.setReceiveBufferSize(256 * 1024);
                server.connect(target, 5000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                Link link = new Link(client, server);
                links.add(link);
                link.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** One proxied connection. */
    public final class Link {
        private final Socket client;
        private final Socket server;
        private final AtomicLong untilCut = new AtomicLong(nextCut());
        private volatile boolean paused;
        private final Object pauseLock = new Object();

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            pump(client, server, false, "proxy-up");
            pump(server, client, true, "proxy-down");
        }

        /** Stops passing the server's bytes on, as a client that stopped reading would. */
        public void pause() {
            paused = true;
        }

        public void resume() {
            synchronized (pauseLock) {
                paused = false;
                pauseLock.notifyAll();
            }
        }

        /** Breaks this connection now, as a network would. */
        public void drop() {
            cut();
        }

        public boolean isOpen() {
            return !client.isClosed();
        }

        private void pump(Socket from, Socket to, boolean downstream, String name) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        if (downstream) {
                            awaitResumed();
                            if (cutting.get() && untilCut.addAndGet(-n) <= 0) {
                                out.write(buffer, 0, n / 2); // cut mid-frame: the worst place
                                cut();
                                return;
                            }
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // the other side is gone
                } finally {
                    closeBoth();
                }
            }, name);
            t.setDaemon(true);
            t.start();
        }

        private void awaitResumed() throws InterruptedException {
            synchronized (pauseLock) {
                while (paused) {
                    pauseLock.wait();
                }
            }
        }

        private void cut() {
            cuts.incrementAndGet();
            try {
                client.setSoLinger(true, 0); // a reset, not a goodbye
            } catch (IOException ignored) {
                // closing anyway
            }
            closeBoth();
        }

        private void closeBoth() {
            try {
                client.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        links.forEach(Link::closeBoth);
    }
}
