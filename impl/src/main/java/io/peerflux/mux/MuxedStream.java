package io.peerflux.mux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.peerflux.Direction;
import io.peerflux.resource.StreamResources;

/**
 * One stream of a multiplexed connection, as a muxer (Yamux, mplex, QUIC) exposes it: a byte pipe with credit-based
 * reads. The host turns it into a reactive {@link io.peerflux.Stream}; multistream-select runs on it first.
 *
 * <p>Threading: every method must be called on {@link #eventLoop()}, and every {@link Listener} callback is
 * invoked there.
 */
public interface MuxedStream {

    /** The connection's event loop, which owns this stream's state. */
    EventLoop eventLoop();

    /** A short identifier for logs, e.g. the muxer's stream id. */
    String id();

    Direction direction();

    /**
     * Sets the listener for inbound events, replacing the previous one. Data that arrived while no listener was set
     * is kept (it is bounded by the receive window) and delivered, in order, to the new listener right away,
     * followed by a pending remote close or reset.
     */
    void listen(Listener listener);

    /**
     * Says that {@code bytes} delivered through {@link Listener#onData} have been consumed, so the muxer may extend
     * the remote's send credit by that much. Data is never credited before it is consumed.
     */
    void consumed(int bytes);

    /**
     * Queues {@code data} for sending (flushed by {@link #flush()}). The muxer splits it to fit the remote's window
     * and holds what does not fit yet; callers keep that bounded by writing only while {@link #isWritable()}.
     *
     * <p>Ownership: the muxer owns {@code data} from the call on, including when the stream is closed or reset.
     */
    void write(ByteBuf data);

    /** Flushes queued writes to the connection. */
    void flush();

    /** {@code true} while the remote's window and the connection's buffer have room for more writes. */
    boolean isWritable();

    /** Half-closes the write side once queued data has been sent. */
    void closeWrite();

    /** Resets the stream in both directions; queued data in both directions is released. */
    void reset();

    /**
     * What this stream holds in its host's resource manager: the muxer reserved it (and its buffers) when the stream
     * opened and gives it back when the stream ends; the host moves it into its protocol's scope once negotiated.
     * {@link StreamResources#NONE} for a muxer that does not account its streams.
     */
    default StreamResources resources() {
        return StreamResources.NONE;
    }

    /** Inbound events of one stream, delivered on the event loop. */
    interface Listener {

        /** Inbound bytes. Ownership: the listener owns {@code data} and must release it. */
        void onData(ByteBuf data);

        /** The remote half-closed: no more data will arrive. */
        void onRemoteClose();

        /** The stream was reset (by the remote, locally, or because the connection closed) with this cause. */
        void onReset(Throwable cause);

        /** {@link #isWritable()} may have changed from false to true. */
        void onWritable();
    }
}
