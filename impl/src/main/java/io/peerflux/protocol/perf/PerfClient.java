package io.peerflux.protocol.perf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerflux.ProtocolViolationException;
import io.peerflux.Stream;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One perf exchange as the client (spec "Protocol", client steps 1–5), timed as {@link PerfResult} describes. The
 * counters are touched only on the stream's event loop, where both the sent chunks are pulled and the received
 * buffers arrive.
 */
final class PerfClient {

    private final Stream stream;
    private final long upload;
    private final long download;
    private final Perf.Progress progress;
    private final Watchdog watchdog = new Watchdog();
    private long opened;
    private long firstByte;
    private long uploaded;
    private long downloaded;

    PerfClient(Stream stream, long upload, long download, Perf.Progress progress) {
        this.stream = stream;
        this.upload = upload;
        this.download = download;
        this.progress = progress;
    }

    Mono<PerfResult> exchange(Duration idleTimeout) {
        opened = System.nanoTime();
        Mono<Void> sent = stream.send(Flux.concat(
                        Mono.fromSupplier(() -> Unpooled.buffer(Long.BYTES, Long.BYTES).writeLong(download)),
                        Payload.chunks(upload, this::sent)))
                .then(stream.closeWrite());
        Mono<PerfResult> received = stream.receive()
                .doOnNext(this::received)
                .then(Mono.fromCallable(this::result));
        Mono<PerfResult> exchanged = Mono.zip(sent.thenReturn(Boolean.TRUE), received, (done, result) -> result);
        return Mono.firstWithSignal(exchanged, watchdog.stalled(idleTimeout))
                .doOnError(e -> stream.reset().subscribe())
                .doOnCancel(() -> stream.reset().subscribe());
    }

    private void sent(long bytes) {
        uploaded += bytes;
        watchdog.moved();
        progress.update(uploaded, downloaded);
    }

    private void received(ByteBuf buf) {
        if (downloaded == 0) {
            firstByte = System.nanoTime();
        }
        downloaded += buf.readableBytes();
        watchdog.moved();
        if (downloaded > download) {
            throw ProtocolViolationException.stream(Perf.PROTOCOL_ID, "the server sent more than the " + download
                    + " bytes requested");
        }
        progress.update(uploaded, downloaded);
    }

    private PerfResult result() {
        long closed = System.nanoTime();
        if (downloaded != download) {
            throw ProtocolViolationException.stream(Perf.PROTOCOL_ID, "the server closed after " + downloaded
                    + " of the " + download + " bytes requested");
        }
        return download == 0
                ? new PerfResult(uploaded, closed - opened, 0, 0)
                : new PerfResult(uploaded, firstByte - opened, downloaded, closed - firstByte);
    }
}
