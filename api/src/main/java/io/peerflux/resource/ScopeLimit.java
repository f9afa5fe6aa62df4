package io.peerflux.resource;

/**
 * The limits of one scope. Connections and streams are limited per direction and in total; {@code memory} is in
 * bytes; {@code fds} counts file descriptors (one per TCP or WebSocket connection). {@link Integer#MAX_VALUE} and
 * {@link Long#MAX_VALUE} mean unlimited.
 */
public record ScopeLimit(int connsInbound, int connsOutbound, int conns, int streamsInbound, int streamsOutbound,
                         int streams, long memory, int fds) {

    /** No limit on anything. */
    public static final ScopeLimit UNLIMITED = new ScopeLimit(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
            Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);

    /** @throws IllegalArgumentException when a limit is negative */
    public ScopeLimit {
        if (connsInbound < 0 || connsOutbound < 0 || conns < 0 || streamsInbound < 0 || streamsOutbound < 0
                || streams < 0 || memory < 0 || fds < 0) {
            throw new IllegalArgumentException("limits must not be negative: " + this);
        }
    }

    /** Inbound and total connections limited to {@code inbound} and {@code total}, outbound to {@code outbound}. */
    public ScopeLimit withConns(int inbound, int outbound, int total) {
        return new ScopeLimit(inbound, outbound, total, streamsInbound, streamsOutbound, streams, memory, fds);
    }

    public ScopeLimit withStreams(int inbound, int outbound, int total) {
        return new ScopeLimit(connsInbound, connsOutbound, conns, inbound, outbound, total, memory, fds);
    }

    public ScopeLimit withMemory(long bytes) {
        return new ScopeLimit(connsInbound, connsOutbound, conns, streamsInbound, streamsOutbound, streams, bytes, fds);
    }

    public ScopeLimit withFds(int count) {
        return new ScopeLimit(connsInbound, connsOutbound, conns, streamsInbound, streamsOutbound, streams, memory,
                count);
    }
}
