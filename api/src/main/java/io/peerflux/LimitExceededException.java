package io.peerflux;

/** A resource limit (streams, connections, buffered bytes) would be exceeded; nothing was reserved. */
public final class LimitExceededException extends PeerfluxException {

    private final String scope;
    private final long current;
    private final long attempted;
    private final long limit;

    private LimitExceededException(String scope, long current, long attempted, long limit) {
        super(scope + " limit exceeded: " + current + " in use, " + attempted + " more requested, limit " + limit, null);
        this.scope = scope;
        this.current = current;
        this.attempted = attempted;
        this.limit = limit;
    }

    public static LimitExceededException of(String scope, long current, long attempted, long limit) {
        return new LimitExceededException(scope, current, attempted, limit);
    }

    public String scope() {
        return scope;
    }

    public long current() {
        return current;
    }

    public long attempted() {
        return attempted;
    }

    public long limit() {
        return limit;
    }
}
