package io.peerflux.samples.cli;

import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.protocol.perf.Perf;
import io.peerflux.protocol.perf.PerfConfig;
import io.peerflux.protocol.perf.PerfResult;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** Measures throughput to a peer that serves /perf/1.0.0, all runs on one connection. */
@Command(name = "perf", description = "Run /perf/1.0.0 against a peer (all runs on one connection); prints per run "
        + "{\"run\",\"uploadBytes\",\"uploadSeconds\",\"uploadGbps\",\"downloadBytes\",\"downloadSeconds\","
        + "\"downloadGbps\"}, and progress on stderr every second once a run takes longer than two seconds.")
final class PerfCommand implements Callable<Integer> {

    @Mixin
    HostOptions options;

    @Parameters(paramLabel = "MULTIADDR", description = "The peer's address, e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…")
    String address;

    @Option(names = "--upload", paramLabel = "BYTES", defaultValue = "0",
            description = "Bytes to send. Default: ${DEFAULT-VALUE}.")
    long upload;

    @Option(names = "--download", paramLabel = "BYTES", defaultValue = "0",
            description = "Bytes to ask the peer to send back. Default: ${DEFAULT-VALUE}.")
    long download;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Number of runs. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Override
    public Integer call() throws Exception {
        if (upload < 0 || download < 0 || repeat < 1) {
            throw new IllegalArgumentException("--upload and --download must be at least 0, --repeat at least 1");
        }
        Host host = options.build();
        try {
            Connection connection = host.connect(Multiaddr.of(address)).block();
            for (int run = 1; run <= repeat; run++) {
                Progress progress = new Progress(run);
                Disposable ticker = Flux.interval(Duration.ofSeconds(2), Duration.ofSeconds(1))
                        .subscribe(tick -> progress.print());
                PerfResult result;
                try {
                    result = Perf.run(connection, upload, download, PerfConfig.defaults(), progress).block();
                } finally {
                    ticker.dispose();
                }
                Output.print(System.out, Output.object()
                        .put("run", run)
                        .put("uploadBytes", result.uploadBytes())
                        .put("uploadSeconds", result.uploadNanos() / 1e9)
                        .put("uploadGbps", gbps(result.uploadBytes(), result.uploadNanos()))
                        .put("downloadBytes", result.downloadBytes())
                        .put("downloadSeconds", result.downloadNanos() / 1e9)
                        .put("downloadGbps", gbps(result.downloadBytes(), result.downloadNanos())));
            }
            return 0;
        } finally {
            host.stop().block();
        }
    }

    /** Gigabits per second; 0 for a direction that moved nothing. */
    static double gbps(long bytes, long nanos) {
        return bytes == 0 || nanos == 0 ? 0 : bytes * 8.0 / nanos;
    }

    /** The running totals of one run, written by the stream's event loop and printed by the ticker. */
    final class Progress implements Perf.Progress {
        private final int run;
        private final long start = System.nanoTime();
        private volatile long uploaded;
        private volatile long downloaded;
        private long lastTick = start;
        private long lastBytes;

        Progress(int run) {
            this.run = run;
        }

        @Override
        public void update(long uploadedBytes, long downloadedBytes) {
            uploaded = uploadedBytes;
            downloaded = downloadedBytes;
        }

        void print() {
            long now = System.nanoTime();
            long up = uploaded;
            long down = downloaded;
            double rate = gbps(up + down - lastBytes, now - lastTick);
            lastTick = now;
            lastBytes = up + down;
            System.err.printf(Locale.ROOT, "run %d: %.0f s, uploaded %d of %d bytes, downloaded %d of %d bytes, "
                    + "%.2f Gbit/s since the last line%n", run, (now - start) / 1e9, up, upload, down, download, rate);
        }
    }
}
