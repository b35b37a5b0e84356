package dev.tierline.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis pub/sub through Lettuce: a channel per session, each participant subscribed on its own
 * connection. Publishing goes through a small pool of connections, since a subscribed Redis
 * connection cannot publish.
 */
final class RedisTarget implements Target {
    private static final int PUBLISHERS = 8;

    private final RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
    private final List<StatefulRedisPubSubConnection<String, String>> subscribers = new ArrayList<>();
    private final List<StatefulRedisConnection<String, String>> publishers = new ArrayList<>();

    @Override
    public String name() {
        return "redis pub/sub";
    }

    @Override
    public void connect(int sessions, int participants, Sink sink) {
        for (int s = 0; s < sessions; s++) {
            for (int p = 0; p < participants; p++) {
                int session = s;
                int participant = p;
                StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
                sub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        sink.onMessage(session, participant, message);
                    }
                });
                sub.sync().subscribe("tierline-bench:" + s);
                subscribers.add(sub);
            }
        }
        for (int i = 0; i < PUBLISHERS; i++) {
            publishers.add(client.connect());
        }
    }

    @Override
    public void publish(int session, int participant, String payload) {
        publishers.get((session * 31 + participant) % PUBLISHERS).async().publish("tierline-bench:" + session, payload);
    }

    @Override
    public long serverPid() {
        return Cpu.pidOf("redis-server");
    }

    @Override
    public void close() {
        subscribers.forEach(StatefulRedisPubSubConnection::close);
        publishers.forEach(StatefulRedisConnection::close);
        client.shutdown();
    }
}
