package io.peerflux.mux.mplex;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.peerflux.mux.MuxedStream;
import io.peerflux.mux.Muxer;
import io.peerflux.mux.MuxerSession;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The mplex stream multiplexer, {@value #PROTOCOL_ID}: many streams over one secured connection, without flow
 * control (see the package documentation for how slow readers are handled). Immutable; one instance serves every
 * connection.
 *
 * <pre>{@code
 * Muxer mplex = Mplex.create(MplexConfig.defaults().withMaxStreamBuffer(8 << 20));
 * }</pre>
 */
public final class Mplex implements Muxer {

    /** The protocol id negotiated with multistream-select. */
    public static final String PROTOCOL_ID = "/mplex/6.7.0";

    private final MplexConfig config;

    private Mplex(MplexConfig config) {
        this.config = config;
    }

    /** mplex with {@link MplexConfig#defaults()}. */
    public static Mplex create() {
        return create(MplexConfig.defaults());
    }

    public static Mplex create(MplexConfig config) {
        return new Mplex(Objects.requireNonNull(config, "config"));
    }

    public MplexConfig config() {
        return config;
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /**
     * Adds the mplex decoder, encoder and session handler at the end of {@code channel}'s pipeline. Must be called
     * on the channel's event loop. From then on the session owns the channel's {@code autoRead} setting, and the
     * channel reads at most Netty's default 64 KiB at once: pausing reads is mplex's only backpressure, and what one
     * read brings is decoded and delivered after the pause.
     */
    @Override
    public MuxerSession start(Channel channel, boolean initiator, Consumer<MuxedStream> inbound) {
        if (!channel.eventLoop().inEventLoop()) {
            throw new IllegalStateException("Mplex.start must be called on the channel's event loop");
        }
        MplexHandler handler = new MplexHandler(channel, config, Objects.requireNonNull(inbound));
        channel.config().setRecvByteBufAllocator(AdaptiveRecvByteBufAllocator.DEFAULT);
        channel.pipeline()
                .addLast("mplex-decoder", new MplexFrameDecoder())
                .addLast("mplex-encoder", MplexFrameEncoder.INSTANCE)
                .addLast("mplex", handler);
        return handler;
    }

    @Override
    public String toString() {
        return "Mplex" + config;
    }
}
