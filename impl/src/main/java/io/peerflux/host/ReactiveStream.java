package io.peerflux.host;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.peerflux.Connection;
import io.peerflux.Direction;
import io.peerflux.Stream;
import io.peerflux.StreamResetException;
import io.peerflux.mux.MuxedStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;

/**
 * The reactive face of a {@link MuxedStream}: subscriber demand becomes receive credit, send-window writability
 * becomes upstream demand. All state is confined to the stream's event loop; only demand crosses threads.
 */
final class ReactiveStream implements Stream, MuxedStream.Listener {

    private final MuxedStream muxed;
    private final EventLoop loop;
    private final Connection connection;
    private final String protocol;
    private final Sinks.Empty<Void> closed = Sinks.empty();

    // Receive side, event loop only (but demand).
    private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>();
    private Receiver receiver;
    private boolean draining;
    private boolean remoteClosed;
    private boolean receiveDone;
    private Throwable resetCause;

    // Send side, event loop only.
    private Sender sender;
    private boolean localClosed;

    // Idle watch, event loop only: data events, those seen at the last check, and since when none came.
    private int activity;
    private int activitySeen;
    private long quietSince = System.nanoTime();
    private volatile boolean keepWhenIdle;

    ReactiveStream(MuxedStream muxed, Connection connection, String protocol, ByteBuf leftover) {
        this.muxed = muxed;
        this.loop = muxed.eventLoop();
        this.connection = connection;
        this.protocol = protocol;
        if (leftover.isReadable()) {
            inbound.add(leftover);
        } else {
            leftover.release();
        }
        muxed.listen(this);
    }

    @Override
    public String id() {
        return connection.id() + "/" + muxed.id();
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public Direction direction() {
        return muxed.direction();
    }

    @Override
    public Flux<ByteBuf> receive() {
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super ByteBuf> actual) {
                Receiver r = new Receiver(actual);
                actual.onSubscribe(r);
                runOnLoop(() -> attach(r));
            }
        };
    }

    @Override
    public Mono<Void> send(Publisher<? extends ByteBuf> data) {
        return Mono.create(sink -> {
            Sender s = new Sender(sink);
            sink.onCancel(() -> runOnLoop(() -> s.cancel(null)));
            runOnLoop(() -> {
                if (sender != null && !sender.done) {
                    s.finish(new IllegalStateException("stream " + id() + ": a send is already in progress"));
                } else if (resetCause != null || localClosed) {
                    s.finish(resetCause != null ? resetCause
                            : new IllegalStateException("stream " + id() + " is closed for writing"));
                } else {
                    sender = s;
                    data.subscribe(s);
                }
            });
        });
    }

    @Override
    public Mono<Void> closeWrite() {
        return onLoop(() -> {
            if (!localClosed && resetCause == null) {
                localClosed = true;
                muxed.closeWrite();
                checkClosed();
            }
        });
    }

    @Override
    public Mono<Void> reset() {
        return onLoop(() -> {
            if (resetCause == null && !(localClosed && remoteClosed)) {
                muxed.reset();
                onReset(StreamResetException.locally(id(), null));
            }
        });
    }

    @Override
    public Mono<Void> onClose() {
        return closed.asMono();
    }

    @Override
    public String toString() {
        return "Stream[" + id() + " " + protocol + "]";
    }

    // ---- MuxedStream.Listener, on the event loop ----

    @Override
    public void onData(ByteBuf data) {
        activity++;
        if (receiveDone) {
            // Nobody will read it: free it and keep the remote's window open so it is not stuck.
            muxed.consumed(data.readableBytes());
            data.release();
            return;
        }
        inbound.add(data);
        drain();
    }

    @Override
    public void onRemoteClose() {
        remoteClosed = true;
        drain();
        checkClosed();
    }

    @Override
    public void onReset(Throwable cause) {
        if (resetCause != null) {
            return;
        }
        resetCause = cause;
        releaseInbound();
        drain();
        if (sender != null) {
            sender.cancel(cause);
        }
        closed.tryEmitEmpty();
    }

    @Override
    public void onWritable() {
        if (sender != null) {
            sender.requestMore();
        }
    }

    // ---- idle watch ----

    /** Whether nothing was sent or received for {@code timeoutNanos} up to {@code now}, as far as checks tell. */
    boolean idle(long now, long timeoutNanos) {
        if (keepWhenIdle) {
            return false;
        }
        if (activity != activitySeen) {
            activitySeen = activity;
            quietSince = now;
            return false;
        }
        return now - quietSince >= timeoutNanos;
    }

    @Override
    public void keepWhenIdle() {
        keepWhenIdle = true;
    }

    /** Resets the stream at both ends; its local users get a {@link StreamResetException} caused by a timeout. */
    void resetIdle(Duration timeout) {
        if (resetCause == null && !(localClosed && remoteClosed)) {
            // Before the muxer's own report of the reset, which would carry no cause.
            onReset(StreamResetException.locally(id(), new TimeoutException("stream " + id() + " idle for "
                    + timeout.toMillis() + " ms")));
            muxed.reset();
        }
    }

    // ---- receive ----

    private void attach(Receiver r) {
        if (receiver != null) {
            r.actual.onError(new IllegalStateException("stream " + id() + " allows only one receive() subscriber"));
            return;
        }
        receiver = r;
        drain();
    }

    private void drain() {
        Receiver r = receiver;
        if (r == null || draining || receiveDone) {
            return;
        }
        draining = true;
        try {
            while (!r.cancelled && r.demand.get() > 0 && !inbound.isEmpty()) {
                ByteBuf buf = inbound.poll();
                int bytes = buf.readableBytes();
                if (r.demand.get() != Long.MAX_VALUE) {
                    r.demand.decrementAndGet();
                }
                try {
                    r.actual.onNext(buf);
                } finally {
                    ReferenceCountUtil.release(buf);
                }
                muxed.consumed(bytes);
            }
            if (r.cancelled) {
                receiveDone = true;
                releaseInbound();
            } else if (inbound.isEmpty() && resetCause != null) {
                receiveDone = true;
                r.actual.onError(resetCause);
            } else if (inbound.isEmpty() && remoteClosed) {
                receiveDone = true;
                r.actual.onComplete();
            }
        } finally {
            draining = false;
        }
    }

    private void releaseInbound() {
        ByteBuf buf;
        while ((buf = inbound.poll()) != null) {
            if (resetCause == null) {
                muxed.consumed(buf.readableBytes());
            }
            buf.release();
        }
    }

    /** The subscription handed to a {@link #receive()} subscriber. */
    private final class Receiver implements Subscription {
        final CoreSubscriber<? super ByteBuf> actual;
        final AtomicLong demand = new AtomicLong();
        volatile boolean cancelled;

        Receiver(CoreSubscriber<? super ByteBuf> actual) {
            this.actual = actual;
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                demand.updateAndGet(d -> Operators.addCap(d, n));
                runOnLoop(ReactiveStream.this::drain);
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            runOnLoop(ReactiveStream.this::drain);
        }
    }

    // ---- send ----

    /**
     * Pulls buffers from a send publisher one at a time while the stream is writable. Buffers emitted off the event
     * loop are handed over through a queue; flushes are batched to one per event loop task.
     */
    private final class Sender implements CoreSubscriber<ByteBuf> {
        private final MonoSink<Void> sink;
        private final Queue<ByteBuf> handoff = new ConcurrentLinkedQueue<>();
        private Subscription upstream;
        private boolean upstreamDone;
        private boolean requested;
        private boolean flushScheduled;
        boolean done;

        Sender(MonoSink<Void> sink) {
            this.sink = sink;
        }

        @Override
        public void onSubscribe(Subscription s) {
            runOnLoop(() -> {
                if (done) {
                    s.cancel();
                    return;
                }
                upstream = s;
                requestMore();
            });
        }

        @Override
        public void onNext(ByteBuf buf) {
            if (loop.inEventLoop()) {
                write(buf);
            } else {
                handoff.add(buf);
                loop.execute(this::drainHandoff);
            }
        }

        @Override
        public void onError(Throwable t) {
            runOnLoop(() -> {
                drainHandoff();
                finish(t);
            });
        }

        @Override
        public void onComplete() {
            runOnLoop(() -> {
                drainHandoff();
                upstreamDone = true;
                if (!done) {
                    muxed.flush();
                    finish(null);
                }
            });
        }

        private void drainHandoff() {
            ByteBuf buf;
            while ((buf = handoff.poll()) != null) {
                write(buf);
            }
        }

        private void write(ByteBuf buf) {
            if (done) {
                buf.release();
                return;
            }
            requested = false;
            activity++;
            muxed.write(buf);
            if (!flushScheduled) {
                flushScheduled = true;
                loop.execute(() -> {
                    flushScheduled = false;
                    muxed.flush();
                });
            }
            requestMore();
        }

        void requestMore() {
            if (!done && !upstreamDone && !requested && upstream != null && muxed.isWritable()) {
                requested = true;
                upstream.request(1);
            }
        }

        /** Stops pulling (stream reset, subscriber cancelled); {@code cause} fails the send if not yet done. */
        void cancel(Throwable cause) {
            if (done) {
                return;
            }
            if (upstream != null) {
                upstream.cancel();
            }
            finish(cause);
        }

        void finish(Throwable error) {
            if (done) {
                return;
            }
            done = true;
            ByteBuf buf;
            while ((buf = handoff.poll()) != null) {
                buf.release();
            }
            if (error == null) {
                sink.success();
            } else {
                sink.error(error);
            }
        }
    }

    // ---- helpers ----

    private void checkClosed() {
        if (localClosed && remoteClosed) {
            closed.tryEmitEmpty();
            if (receiver == null && !inbound.isEmpty()) {
                // The muxer forgets a stream closed both ways, so it will not reset this one when the connection
                // closes: free what nobody read then (a later receive() gets the connection's end as an error).
                connection.onClose().onErrorResume(e -> Mono.empty())
                        .subscribe(null, null, () -> runOnLoop(this::dropUnread));
            }
        }
    }

    private void dropUnread() {
        if (receiver == null && resetCause == null) {
            resetCause = StreamResetException.connectionClosed(id(), null);
            releaseInbound();
        }
    }

    private void runOnLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    private Mono<Void> onLoop(Runnable task) {
        return Mono.create(sink -> runOnLoop(() -> {
            task.run();
            sink.success();
        }));
    }
}
