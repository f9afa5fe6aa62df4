package io.peerflux.security.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.peerflux.security.SecureSession;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/** Real loopback TCP channels on NIO event loops (which BlockHound watches), for handshakes between two peers. */
final class Loopback implements AutoCloseable {

    /** An accepted connection and the outcome of what the listener ran on it. */
    record Accepted(Channel channel, CompletableFuture<SecureSession> result) {
    }

    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    /**
     * Listens on an ephemeral port; runs {@code onAccept} on every accepted channel, on its event loop, with
     * autoRead off (the handshake must ask for its own reads).
     */
    Listener listen(Function<Channel, Mono<SecureSession>> onAccept) throws InterruptedException {
        BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        CompletableFuture<SecureSession> result = new CompletableFuture<>();
                        accepted.add(new Accepted(channel, result));
                        onAccept.apply(channel).subscribe(result::complete, result::completeExceptionally);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return new Listener(server, accepted);
    }

    /** A listener whose accepted channels get {@code handler} and nothing else. */
    Channel listenRaw(ChannelHandler handler) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(handler)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** A connected channel with an empty pipeline (but for {@code handler}, if given). */
    Channel connect(SocketAddress address, ChannelHandler handler) throws InterruptedException {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(handler != null ? handler : new ChannelInboundHandlerAdapter())
                .connect(address).sync().channel();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    record Listener(Channel server, BlockingQueue<Accepted> accepted) {
        SocketAddress address() {
            return server.localAddress();
        }

        Accepted next() throws InterruptedException {
            Accepted next = accepted.poll(10, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("no connection accepted within 10 s");
            }
            return next;
        }
    }
}
