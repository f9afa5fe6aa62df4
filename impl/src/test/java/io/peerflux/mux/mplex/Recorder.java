package io.peerflux.mux.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.peerflux.mux.MuxedStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A stream listener that copies and releases what arrives, consuming it at once or only when told to. */
final class Recorder implements MuxedStream.Listener {

    final MuxedStream stream;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final boolean autoConsume;
    long unconsumed;
    long maxUnconsumed;
    boolean remoteClosed;
    Throwable reset;
    int writableEvents;

    private Recorder(MuxedStream stream, boolean autoConsume) {
        this.stream = stream;
        this.autoConsume = autoConsume;
        stream.listen(this);
    }

    static Recorder consuming(MuxedStream stream) {
        return new Recorder(stream, true);
    }

    static Recorder holding(MuxedStream stream) {
        return new Recorder(stream, false);
    }

    @Override
    public void onData(ByteBuf data) {
        int n = data.readableBytes();
        received.writeBytes(ByteBufUtil.getBytes(data));
        data.release();
        unconsumed += n;
        maxUnconsumed = Math.max(maxUnconsumed, unconsumed);
        if (autoConsume) {
            consume(n);
        }
    }

    /** Consumes up to {@code bytes} of what arrived. */
    void consume(long bytes) {
        int n = (int) Math.min(bytes, unconsumed);
        unconsumed -= n;
        stream.consumed(n);
    }

    @Override
    public void onRemoteClose() {
        remoteClosed = true;
    }

    @Override
    public void onReset(Throwable cause) {
        reset = cause;
    }

    @Override
    public void onWritable() {
        writableEvents++;
    }

    int size() {
        return received.size();
    }

    String text() {
        return received.toString(StandardCharsets.UTF_8);
    }
}
