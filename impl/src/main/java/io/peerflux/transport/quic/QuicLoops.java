package io.peerflux.transport.quic;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
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

    private static final int SEGMENTS_PER_SEND = 16;
    /** {@code IP_MTU_DISCOVER} and {@code IPV6_MTU_DISCOVER} (linux/in.h, linux/in6.h). */
    private static final ChannelOption<Integer> IP_MTU_DISCOVER = new IntegerUnixChannelOption("IP_MTU_DISCOVER",
            0, 10);
    private static final ChannelOption<Integer> IPV6_MTU_DISCOVER = new IntegerUnixChannelOption("IPV6_MTU_DISCOVER",
            41, 23);
    /** {@code IP_PMTUDISC_PROBE} (and {@code IPV6_PMTUDISC_PROBE}): set DF, never fragment, ignore cached PMTU. */
    private static final int PMTUDISC_PROBE = 3;

    private final EventLoopGroup group;

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

    /**
     * Sets Don't Fragment on a QUIC socket (epoll only; NIO cannot, and sends no segmented batches either). RFC 9000
     * section 14 requires it, and path MTU discovery depends on it: Linux otherwise fragments a single datagram
     * larger than the outgoing link's MTU, so a probe of {@code QuicEndpoint}'s largest size gets through a link
     * with a smaller MTU (a VXLAN overlay's 1450 bytes, WireGuard's 1420) and quiche adopts that size; every
     * segmented send of that size then fails with EMSGSIZE (the kernel does not fragment those), and the connection
     * crawls on retransmissions of single packets. With DF the oversized probe is lost and the size stays below
     * the path's MTU.
     */
    Bootstrap dontFragment(Bootstrap bootstrap, boolean ipv6) {
        if (datagramAllocator == SegmentedDatagramPacketAllocator.NONE) {
            return bootstrap;
        }
        bootstrap.option(IP_MTU_DISCOVER, PMTUDISC_PROBE);
        return ipv6 ? bootstrap.option(IPV6_MTU_DISCOVER, PMTUDISC_PROBE) : bootstrap;
    }
}
