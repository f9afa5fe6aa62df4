package io.peerflux.transport.memory;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.peerflux.DialException;
import io.peerflux.crypto.PrivateKey;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.multiaddr.Protocol;
import io.peerflux.peer.PeerId;
import io.peerflux.transport.RawConnection;
import io.peerflux.transport.Transport;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The in-JVM transport, {@code /memory/<u64>}: connections between hosts of one JVM, for tests with many hosts.
 * Listening on {@code /memory/0} picks a free id; {@code /memory/N} takes N or fails when it is taken. Each dialing
 * end gets an id of its own too, so both ends of a connection have a {@code /memory} address. The ids are global to
 * the JVM, like ports to a machine.
 *
 * <p>Connections are Netty {@link LocalChannel}s that carry {@code ByteBuf}s as TCP would, and are upgraded the
 * same way (security, then muxer). They all run on one shared group of daemon event loops, one per core (at least
 * two), created on first use: hundreds of hosts cost no more threads than one.
 *
 * <p>Why {@link DefaultEventLoopGroup}, though Netty 4.2 deprecates it in favour of {@code LocalIoHandler}: the
 * {@code LocalIoHandler} loop waits for work with a bare {@code LockSupport.parkNanos}, which BlockHound reports as
 * blocking (Netty's BlockHound integration does not list it), so its threads die in every test that installs
 * BlockHound. The {@code DefaultEventLoop} waits in {@code SingleThreadEventExecutor.takeTask}, which that
 * integration allows; our own code on these loops stays watched.
 *
 * <p>Ownership: a buffer written at one end is the buffer read at the other, with no copy, except that small
 * buffers queued together are copied into one; as with any channel, a writer must not change a buffer after writing
 * it. Writes never make a channel unwritable (a buffer goes straight to the peer's inbound queue), so the memory held
 * in flight is bounded by the muxer's flow-control windows, not by the transport.
 */
public final class MemoryTransport implements Transport {

    /** Prefix of the {@link LocalAddress} ids that stand for {@code /memory/N}, apart from other local channels. */
    private static final String ID_PREFIX = "peerflux-memory-";
    /** Random ids tried before a bind that asked for any id gives up (a collision has odds n/2^64 to begin with). */
    private static final int FRESH_ID_ATTEMPTS = 4;

    private static final ChannelHandler NOTHING = new ChannelInitializer<Channel>() {
        @Override
        protected void initChannel(Channel channel) {
        }
    };

    private MemoryTransport() {
    }

    /** The memory transport; it holds no state, every instance reaches every listener of the JVM. */
    public static MemoryTransport create() {
        return new MemoryTransport();
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return isMemory(address.withoutPeerId());
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return isMemory(address);
    }

    private static boolean isMemory(Multiaddr address) {
        return address.components().size() == 1 && address.components().get(0).protocol() == Protocol.MEMORY;
    }

    @Override
    public Mono<RawConnection> dial(Multiaddr address, Duration timeout, PrivateKey localKey,
                                   PeerId expectedRemote) {
        Multiaddr target = address.withoutPeerId();
        if (!isMemory(target)) {
            return Mono.error(new IllegalArgumentException("not a memory address: " + address));
        }
        Bootstrap bootstrap = new Bootstrap().group(Loops.GROUP).channel(LocalChannel.class).handler(NOTHING);
        LocalAddress remote = localAddress(idOf(target));
        return onFreshId(id -> connected(bootstrap.connect(remote, localAddress(id))))
                .map(channel -> new RawConnection(channel, toMultiaddr(channel.localAddress()),
                        toMultiaddr(channel.remoteAddress())))
                .timeout(timeout, Mono.error(TimeoutException::new))
                .onErrorMap(e -> e instanceof TimeoutException
                        ? DialException.timeout(address, timeout) : DialException.failed(address, e));
    }

    @Override
    public Mono<Listener> listen(Multiaddr address, PrivateKey localKey, Consumer<RawConnection> inbound) {
        if (!isMemory(address)) {
            return Mono.error(new IllegalArgumentException("not a memory address: " + address));
        }
        ServerBootstrap bootstrap = new ServerBootstrap().group(Loops.GROUP).channel(LocalServerChannel.class)
                .childHandler(new Accept(inbound));
        long asked = idOf(address);
        LongFunction<Mono<Channel>> bind = id -> connected(bootstrap.bind(localAddress(id)));
        return (asked == 0 ? onFreshId(bind) : bind.apply(asked)).map(MemoryListener::new);
    }

    /** Runs {@code bind} with a random nonzero id, again with another when that id is already taken. */
    private static Mono<Channel> onFreshId(LongFunction<Mono<Channel>> bind) {
        return Mono.defer(() -> {
            long id;
            do {
                id = ThreadLocalRandom.current().nextLong();
            } while (id == 0);
            return bind.apply(id);
        }).retryWhen(Retry.max(FRESH_ID_ATTEMPTS - 1).filter(ChannelException.class::isInstance)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    /** The channel of {@code future} once it succeeds; cancelling closes it. */
    private static Mono<Channel> connected(ChannelFuture future) {
        return Mono.create(sink -> {
            future.addListener(f -> {
                if (f.isSuccess()) {
                    sink.success(future.channel());
                } else {
                    sink.error(f.cause());
                }
            });
            sink.onCancel(() -> future.channel().close());
        });
    }

    private static long idOf(Multiaddr memory) {
        return Long.parseUnsignedLong(memory.components().get(0).valueAsString());
    }

    private static LocalAddress localAddress(long id) {
        return new LocalAddress(ID_PREFIX + Long.toUnsignedString(id));
    }

    private static Multiaddr toMultiaddr(SocketAddress address) {
        String id = ((LocalAddress) address).id();
        return Multiaddr.of("/memory/" + id.substring(ID_PREFIX.length()));
    }

    /** Hands each accepted connection over once it is active, on its event loop, before it reads anything. */
    @ChannelHandler.Sharable
    private static final class Accept extends ChannelInboundHandlerAdapter {
        private final Consumer<RawConnection> inbound;

        Accept(Consumer<RawConnection> inbound) {
            this.inbound = inbound;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.fireChannelActive();
            ctx.pipeline().remove(this);
            Channel channel = ctx.channel();
            inbound.accept(new RawConnection(channel, toMultiaddr(channel.localAddress()),
                    toMultiaddr(channel.remoteAddress())));
        }
    }

    private static final class MemoryListener implements Listener {
        private final Channel server;
        private final Multiaddr address;

        MemoryListener(Channel server) {
            this.server = server;
            this.address = toMultiaddr(server.localAddress());
        }

        @Override
        public Multiaddr address() {
            return address;
        }

        @Override
        public Mono<Void> close() {
            return connected(server.close()).then();
        }
    }

    /** The shared event loops, created when the transport is first used. */
    private static final class Loops {
        @SuppressWarnings("deprecation") // see the class javadoc
        static final EventLoopGroup GROUP = new DefaultEventLoopGroup(
                Math.max(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("peerflux-memory", true));
    }
}
