package io.peerflux.protocol.perf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.function.LongConsumer;
import reactor.core.publisher.Flux;

/**
 * The bytes perf sends: views of one process-wide, read-only, direct 64 KiB buffer of zeros, so sending costs no
 * allocation beyond a small view object per chunk and no copy (what the bytes are does not matter to perf).
 *
 * <p>Ownership: each chunk is an unreleasable view; whoever owns it may release it (a no-op), and nobody can write
 * into the shared bytes.
 */
final class Payload {

    static final int CHUNK_SIZE = 64 * 1024;

    private static final ByteBuf ZEROS = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(CHUNK_SIZE).asReadOnlyBuffer()));

    private Payload() {
    }

    /**
     * {@code total} bytes in chunks of at most {@link #CHUNK_SIZE}, one chunk per request, so the sender's demand is
     * the backpressure. {@code onChunk} is told each chunk's size as it is emitted; the flux completes with the last
     * chunk rather than on a further request.
     */
    static Flux<ByteBuf> chunks(long total, LongConsumer onChunk) {
        return Flux.generate(() -> new long[] {total}, (remaining, sink) -> {
            if (remaining[0] == 0) {
                sink.complete();
                return remaining;
            }
            int size = (int) Math.min(CHUNK_SIZE, remaining[0]);
            remaining[0] -= size;
            onChunk.accept(size);
            sink.next(size == CHUNK_SIZE ? ZEROS.duplicate() : ZEROS.slice(0, size));
            if (remaining[0] == 0) {
                sink.complete();
            }
            return remaining;
        });
    }
}
