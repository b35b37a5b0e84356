package dev.tierline.bench;

import io.netty.channel.Channel;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The bare relay, started as its own process. */
final class FloorTarget implements Target {
    private final ServerProcess process;
    private final URI uri;
    private final WsConnections connections = new WsConnections();
    private Channel[][] channels;

    FloorTarget(String jar, int port) throws Exception {
        this.process = ServerProcess.start(List.of(ServerProcess.java(), "-cp", jar, FloorRelay.class.getName(),
                Integer.toString(port)), java.util.Map.of(), "listening");
        this.uri = URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    @Override
    public String name() {
        return "netty floor";
    }

    @Override
    public void connect(int sessions, int participants, Sink sink) {
        channels = new Channel[sessions][participants];
        List<CompletableFuture<Channel>> opening = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            for (int p = 0; p < participants; p++) {
                int session = s;
                int participant = p;
                opening.add(connections.open(uri, text -> sink.onMessage(session, participant, text))
                        .thenApply(ch -> {
                            WsConnections.send(ch, "join:" + session);
                            channels[session][participant] = ch;
                            return ch;
                        }));
            }
        }
        CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).join();
    }

    @Override
    public void publish(int session, int participant, String payload) {
        WsConnections.send(channels[session][participant], payload);
    }

    @Override
    public String startLine() {
        return process.readyLine();
    }

    @Override
    public long serverPid() {
        return process.pid();
    }

    @Override
    public void close() throws Exception {
        connections.close();
        process.close();
    }
}
