package io.peerflux.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.peerflux.Direction;
import io.peerflux.StreamResetException;
import io.peerflux.mux.MuxedStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link MuxedStream} test double. What the test injects is delivered like a muxer would (kept while no listener
 * is set, never re-entrantly); what is written is recorded, or handed to a linked peer on flush. Calls off the event
 * loop are recorded as violations.
 */
final class FakeMuxedStream implements MuxedStream {

    private static final Object REMOTE_CLOSE = new Object();

    private final EventLoop loop;
    private final String id;
    private final Direction direction;
    private final ArrayDeque<Object> inbound = new ArrayDeque<>();
    private final List<ByteBuf> queued = new ArrayList<>();
    private final ByteArrayOutputStream flushed = new ByteArrayOutputStream();
    private final List<String> violations = new ArrayList<>();
    private FakeMuxedStream peer;
    private Listener listener;
    private boolean delivering;
    private boolean reset;
    private boolean writeClosed;
    private int consumed;

    FakeMuxedStream(EventLoop loop, String id, Direction direction) {
        this.loop = loop;
        this.id = id;
        this.direction = direction;
    }

    /** Two streams whose flushed writes reach each other. */
    static FakeMuxedStream[] pair(EventLoop loop) {
        FakeMuxedStream outbound = new FakeMuxedStream(loop, "1", Direction.OUTBOUND);
        FakeMuxedStream inbound = new FakeMuxedStream(loop, "1", Direction.INBOUND);
        outbound.peer = inbound;
        inbound.peer = outbound;
        return new FakeMuxedStream[] {outbound, inbound};
    }

    // ---- what the remote does

    void receive(ByteBuf data) {
        if (reset) {
            data.release();
            return;
        }
        inbound.add(data);
        deliver();
    }

    void receiveClose() {
        inbound.add(REMOTE_CLOSE);
        deliver();
    }

    void receiveReset() {
        if (!reset) {
            reset = true;
            releaseAll();
            if (listener != null) {
                listener.onReset(StreamResetException.byRemote(id));
            }
        }
    }

    // ---- what the test looks at

    /** Everything flushed so far (when not linked to a peer), then forgets it. */
    byte[] takeFlushed() {
        byte[] bytes = flushed.toByteArray();
        flushed.reset();
        return bytes;
    }

    boolean isReset() {
        return reset;
    }

    boolean isWriteClosed() {
        return writeClosed;
    }

    int consumedBytes() {
        return consumed;
    }

    List<String> violations() {
        return violations;
    }

    // ---- MuxedStream

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public void listen(Listener listener) {
        checkLoop("listen");
        this.listener = listener;
        deliver();
    }

    @Override
    public void consumed(int bytes) {
        checkLoop("consumed");
        consumed += bytes;
    }

    @Override
    public void write(ByteBuf data) {
        checkLoop("write");
        if (reset || writeClosed) {
            data.release();
        } else {
            queued.add(data);
        }
    }

    @Override
    public void flush() {
        checkLoop("flush");
        List<ByteBuf> out = List.copyOf(queued);
        queued.clear();
        for (ByteBuf data : out) {
            if (peer != null) {
                peer.receive(data);
            } else {
                flushed.writeBytes(ByteBufUtil.getBytes(data));
                data.release();
            }
        }
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public void closeWrite() {
        checkLoop("closeWrite");
        writeClosed = true;
        if (peer != null) {
            peer.receiveClose();
        }
    }

    @Override
    public void reset() {
        checkLoop("reset");
        if (reset) {
            return;
        }
        reset = true;
        releaseAll();
        if (listener != null) {
            listener.onReset(StreamResetException.locally(id, null));
        }
        if (peer != null) {
            peer.receiveReset();
        }
    }

    /** Delivers kept events to the current listener, re-read after each event since a listener may replace itself. */
    private void deliver() {
        if (delivering) {
            return;
        }
        delivering = true;
        try {
            Object event;
            while (listener != null && !reset && (event = inbound.poll()) != null) {
                if (event == REMOTE_CLOSE) {
                    listener.onRemoteClose();
                } else {
                    listener.onData((ByteBuf) event);
                }
            }
        } finally {
            delivering = false;
        }
    }

    private void releaseAll() {
        queued.forEach(ByteBuf::release);
        queued.clear();
        for (Object event : inbound) {
            if (event instanceof ByteBuf data) {
                data.release();
            }
        }
        inbound.clear();
    }

    private void checkLoop(String method) {
        if (!loop.inEventLoop()) {
            violations.add(method + " called on " + Thread.currentThread().getName());
        }
    }
}
