package io.peerflux.mux.yamux;

import io.netty.channel.Channel;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.Muxer;
import io.peerflux.mux.MuxerSession;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The Yamux stream multiplexer, {@value #PROTOCOL_ID}: many flow-controlled streams over one secured connection.
 * Immutable; one instance serves every connection.
 *
 * <pre>{@code
 * Muxer yamux = Yamux.create(YamuxConfig.defaults().withMaxInboundStreams(100));
 * }</pre>
 */
public final class Yamux implements Muxer {

    /** The protocol id negotiated with multistream-select. */
    public static final String PROTOCOL_ID = "/yamux/1.0.0";

    private final YamuxConfig config;

    private Yamux(YamuxConfig config) {
        this.config = config;
    }

    /** Yamux with {@link YamuxConfig#defaults()}. */
    public static Yamux create() {
        return create(YamuxConfig.defaults());
    }

    public static Yamux create(YamuxConfig config) {
        return new Yamux(Objects.requireNonNull(config, "config"));
    }

    public YamuxConfig config() {
        return config;
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /**
     * Adds the Yamux decoder, encoder and session handler at the end of {@code channel}'s pipeline. Must be called
     * on the channel's event loop.
     */
    @Override
    public MuxerSession start(Channel channel, boolean initiator, Consumer<MuxedStream> inbound) {
        if (!channel.eventLoop().inEventLoop()) {
            throw new IllegalStateException("Yamux.start must be called on the channel's event loop");
        }
        YamuxHandler handler = new YamuxHandler(channel, config, initiator, Objects.requireNonNull(inbound));
        channel.pipeline()
                .addLast("yamux-decoder", new YamuxFrameDecoder(config.maxReceiveWindow()))
                .addLast("yamux-encoder", YamuxFrameEncoder.INSTANCE)
                .addLast("yamux", handler);
        return handler;
    }

    @Override
    public String toString() {
        return "Yamux" + config;
    }
}
