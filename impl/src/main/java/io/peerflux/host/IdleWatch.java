package io.peerflux.host;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerflux.peer.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * Resets a connection's streams that stay idle for {@link ConnectionManagerConfig#idleStreamTimeout()}, and closes
 * the connection once it had no stream for {@link ConnectionManagerConfig#idleConnectionTimeout()} (unless its peer
 * is protected). One per connection, on the connection's event loop, checking four times per the shorter timeout.
 */
final class IdleWatch implements Runnable {

    /** Checks per timeout: an idle stream or connection ends between the timeout and a quarter more. */
    private static final int CHECKS_PER_TIMEOUT = 4;
    private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final HostConnection connection;
    private final Duration streamTimeout;
    private final Duration connectionTimeout;
    private final Predicate<PeerId> isProtected;
    private long streamsOpenedSeen;
    private long quietSince = System.nanoTime();

    private IdleWatch(HostConnection connection, ConnectionManagerConfig config, Predicate<PeerId> isProtected) {
        this.connection = connection;
        this.streamTimeout = config.idleStreamTimeout();
        this.connectionTimeout = config.idleConnectionTimeout();
        this.isProtected = isProtected;
    }

    /** Starts watching {@code connection} until it closes; nothing when both timeouts are off. */
    static void watch(HostConnection connection, ConnectionManagerConfig config, Predicate<PeerId> isProtected) {
        long shortest = Math.min(nanosOrMax(config.idleStreamTimeout()), nanosOrMax(config.idleConnectionTimeout()));
        if (shortest == Long.MAX_VALUE) {
            return;
        }
        long period = Math.max(MIN_PERIOD_NANOS, shortest / CHECKS_PER_TIMEOUT);
        ScheduledFuture<?> checks = connection.channel().eventLoop().scheduleAtFixedRate(
                new IdleWatch(connection, config, isProtected), period, period, TimeUnit.NANOSECONDS);
        connection.onClose().onErrorResume(e -> Mono.empty())
                .subscribe(null, null, () -> checks.cancel(false));
    }

    private static long nanosOrMax(Duration timeout) {
        return timeout.isZero() ? Long.MAX_VALUE : timeout.toNanos();
    }

    @Override
    public void run() {
        long now = System.nanoTime();
        if (!streamTimeout.isZero()) {
            long timeout = streamTimeout.toNanos();
            for (ReactiveStream stream : new ArrayList<>(connection.streams())) {
                if (stream.idle(now, timeout)) {
                    stream.resetIdle(streamTimeout);
                }
            }
        }
        if (!connectionTimeout.isZero()) {
            if (!connection.streams().isEmpty() || connection.streamsOpened() != streamsOpenedSeen) {
                streamsOpenedSeen = connection.streamsOpened();
                quietSince = now;
            } else if (now - quietSince >= connectionTimeout.toNanos()
                    && !isProtected.test(connection.remotePeer())) {
                connection.closeFor("no stream for " + connectionTimeout.toMillis() + " ms");
            }
        }
    }
}
