package dev.tierline.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Mosquitto over MQTT 3.1.1, QoS 0, a topic per session, each participant its own client
 * connection. The runner starts its own broker on a spare port, configured as one would for chat:
 * {@code set_tcp_nodelay true}, which Mosquitto leaves off by default (Nagle's algorithm then holds
 * small messages back for tens of milliseconds). Without the mosquitto binary, the machine's
 * broker on 1883 is used as it is configured.
 */
final class MqttTarget implements Target {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ServerProcess broker;
    private final int port;
    private Channel[][] channels;

    private MqttTarget(ServerProcess broker, int port) {
        this.broker = broker;
        this.port = port;
    }

    static MqttTarget start(int port) throws Exception {
        java.nio.file.Path binary = java.nio.file.Path.of("/usr/sbin/mosquitto");
        if (!java.nio.file.Files.isExecutable(binary)) {
            return new MqttTarget(null, 1883);
        }
        java.nio.file.Path conf = java.nio.file.Files.createTempFile("tierline-bench-mosquitto", ".conf");
        conf.toFile().deleteOnExit();
        java.nio.file.Files.writeString(conf, String.join("\n", "listener " + port + " 127.0.0.1",
                "allow_anonymous true", "set_tcp_nodelay true", "persistence false", "connection_messages false",
                "log_dest stderr", "log_type information", ""));
        return new MqttTarget(ServerProcess.start(List.of(binary.toString(), "-c", conf.toString()), java.util.Map.of(),
                "running"), port);
    }

    @Override
    public String name() {
        return "mosquitto mqtt";
    }

    @Override
    public void connect(int sessions, int participants, Sink sink) {
        channels = new Channel[sessions][participants];
        List<CompletableFuture<Void>> subscribed = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            for (int p = 0; p < participants; p++) {
                subscribed.add(open(s, p, sink));
            }
        }
        CompletableFuture.allOf(subscribed.toArray(CompletableFuture[]::new)).join();
    }

    private CompletableFuture<Void> open(int session, int participant, Sink sink) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        String topic = "tierline-bench/" + session;
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(MqttEncoder.INSTANCE, new MqttDecoder(1 << 20),
                                new SimpleChannelInboundHandler<MqttMessage>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
                                        MqttMessageType type = msg.fixedHeader().messageType();
                                        if (type == MqttMessageType.CONNACK) {
                                            ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(1)
                                                    .addSubscription(MqttQoS.AT_MOST_ONCE, topic).build());
                                        } else if (type == MqttMessageType.SUBACK) {
                                            ready.complete(null);
                                        } else if (type == MqttMessageType.PUBLISH) {
                                            sink.onMessage(session, participant, ((MqttPublishMessage) msg).payload()
                                                    .toString(StandardCharsets.UTF_8));
                                        }
                                    }
                                });
                    }
                }).connect("127.0.0.1", port).syncUninterruptibly().channel();
        MqttConnectMessage connect = MqttMessageBuilders.connect().clientId("tl-bench-" + session + "-" + participant)
                .protocolVersion(MqttVersion.MQTT_3_1_1).cleanSession(true).keepAlive(600).build();
        ch.writeAndFlush(connect);
        channels[session][participant] = ch;
        return ready;
    }

    @Override
    public void publish(int session, int participant, String payload) {
        Channel ch = channels[session][participant];
        ch.writeAndFlush(MqttMessageBuilders.publish().topicName("tierline-bench/" + session).qos(MqttQoS.AT_MOST_ONCE)
                .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)).build(), ch.voidPromise());
    }

    @Override
    public long serverPid() {
        return broker != null ? broker.pid() : Cpu.pidOf("mosquitto");
    }

    @Override
    public void close() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (broker != null) {
            broker.close();
        }
    }
}
