package io.peerflux.transport;

import io.netty.channel.Channel;
import io.peerflux.multiaddr.Multiaddr;

/**
 * A transport connection before security and multiplexing: a channel whose pipeline reads and writes plain
 * {@code ByteBuf}s, and its addresses.
 */
public record RawConnection(Channel channel, Multiaddr localAddress, Multiaddr remoteAddress) {
}
