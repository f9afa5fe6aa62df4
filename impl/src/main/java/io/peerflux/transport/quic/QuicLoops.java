package io.peerflux.transport.quic;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import reactor.netty.resources.LoopResources;

/**
 * The event loops of every QUIC socket, created on first use and shared by all {@link Quic} transports: Netty
 * {@code MultiThreadIoEventLoopGroup}s made by reactor-netty, epoll when the native transport is available, NIO
 * otherwise; one daemon thread per core. A QUIC connection lives on its socket's loop, so a listener's connections
 * share one thread.
 */
final class QuicLoops {

    private static final class Holder {
        static final QuicLoops SHARED = new QuicLoops();
    }

    private final EventLoopGroup group;
    private static final int SEGMENTS_PER_SEND = 16;

    private final Class<? extends DatagramChannel> datagramType;
    private final SegmentedDatagramPacketAllocator datagramAllocator;

    private QuicLoops() {
        LoopResources resources = LoopResources.create("peerflux-quic",
                Runtime.getRuntime().availableProcessors(), true);
        group = resources.onServer(LoopResources.hasNativeSupport());
        datagramType = resources.onChannelClass(DatagramChannel.class, group);
        datagramAllocator = datagramType.getName().startsWith("io.netty.channel.epoll.")
                ? EpollQuicUtils.newSegmentedAllocator(SEGMENTS_PER_SEND) : SegmentedDatagramPacketAllocator.NONE;
    }

    static QuicLoops shared() {
        return Holder.SHARED;
    }

    EventLoopGroup group() {
        return group;
    }

    Class<? extends DatagramChannel> datagramType() {
        return datagramType;
    }

    /**
     * How QUIC channels should allocate outgoing datagrams: with epoll, batches of up to
     * {@value #SEGMENTS_PER_SEND} packets go to the kernel in one segmented send (UDP GSO) where it supports that.
     */
    SegmentedDatagramPacketAllocator datagramAllocator() {
        return datagramAllocator;
    }
}
