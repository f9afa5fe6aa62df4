package io.peerflux.resource;

/** What one scope holds at a moment: connections and streams by direction, reserved bytes, file descriptors. */
public record ResourceUsage(long connsInbound, long connsOutbound, long streamsInbound, long streamsOutbound,
                            long memory, long fds) {

    public static final ResourceUsage ZERO = new ResourceUsage(0, 0, 0, 0, 0, 0);

    public long conns() {
        return connsInbound + connsOutbound;
    }

    public long streams() {
        return streamsInbound + streamsOutbound;
    }
}
