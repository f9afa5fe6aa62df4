package io.peerflux.mux.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.peerflux.mux.MuxedStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A stream listener that copies and releases what arrives, consuming it at once or when told to. */
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
    }

    /** Listens to {@code stream}, consuming everything as it arrives. */
    static Recorder consuming(MuxedStream stream) {
        Recorder recorder = new Recorder(stream, true);
        stream.listen(recorder);
        return recorder;
    }

    /** Listens to {@code stream}, consuming only on {@link #consume}. */
    static Recorder holding(MuxedStream stream) {
        Recorder recorder = new Recorder(stream, false);
        stream.listen(recorder);
        return recorder;
    }

    @Override
    public void onData(ByteBuf data) {
        int n = data.readableBytes();
        received.writeBytes(ByteBufUtil.getBytes(data));
        data.release();
        if (autoConsume) {
            stream.consumed(n);
        } else {
            unconsumed += n;
            maxUnconsumed = Math.max(maxUnconsumed, unconsumed);
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
