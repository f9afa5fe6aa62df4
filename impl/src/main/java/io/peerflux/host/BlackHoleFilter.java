package io.peerflux.host;

/**
 * Tells whether a kind of address (public UDP, public IPv6) is a black hole here, as go-libp2p's black hole detector
 * does: a host without IPv6, or behind a firewall that drops UDP, would otherwise spend a dial and its whole timeout
 * on every such address. It keeps the outcome of the last {@value #WINDOW} dials of the kind; once that many are
 * known and fewer than {@value #MIN_SUCCESSES} succeeded, the kind is blocked, and only one in {@value #WINDOW} dial
 * requests goes through, as a probe whose success can lift the block. State: {@value #WINDOW} bits. Thread-safe.
 */
final class BlackHoleFilter {

    static final int WINDOW = 100;
    static final int MIN_SUCCESSES = 5;

    private final String kind;
    private final boolean[] outcomes = new boolean[WINDOW];
    private int recorded;
    private int successes;
    private int next;
    private int requestsWhileBlocked;

    BlackHoleFilter(String kind) {
        this.kind = kind;
    }

    String kind() {
        return kind;
    }

    /** Whether to dial an address of this kind now; while blocked, true for one request in {@value #WINDOW}. */
    synchronized boolean allows() {
        if (!blocked()) {
            return true;
        }
        return requestsWhileBlocked++ % WINDOW == 0;
    }

    synchronized void record(boolean success) {
        if (recorded == WINDOW && outcomes[next]) {
            successes--;
        }
        outcomes[next] = success;
        if (success) {
            successes++;
        }
        next = (next + 1) % WINDOW;
        recorded = Math.min(WINDOW, recorded + 1);
        if (!blocked()) {
            requestsWhileBlocked = 0;
        }
    }

    synchronized boolean blocked() {
        return recorded == WINDOW && successes < MIN_SUCCESSES;
    }
}
