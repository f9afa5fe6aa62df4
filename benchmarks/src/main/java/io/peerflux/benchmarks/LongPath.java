package io.peerflux.benchmarks;

import io.peerflux.Connection;
import io.peerflux.Host;
import io.peerflux.host.Peerflux;
import io.peerflux.multiaddr.Multiaddr;
import io.peerflux.mux.yamux.Yamux;
import io.peerflux.mux.yamux.YamuxConfig;
import io.peerflux.protocol.perf.Perf;
import io.peerflux.protocol.perf.PerfResult;
import io.peerflux.security.noise.Noise;
import io.peerflux.transport.tcp.Tcp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code /perf/1.0.0} downloads over TCP + Noise + Yamux through a path with a round-trip time of {@code rttMs},
 * comparing Yamux windows that stay at the spec's 256 KiB with the default ones that grow to 16 MiB. The path is a
 * proxy in this JVM that holds every chunk for half the round trip in each direction and buffers without limit, so
 * only the hosts' own flow control paces the transfer. A window of W bytes carries at most W per round trip.
 *
 * <p>Usage: {@code LongPath [rttMs=100] [bytes=67108864] [runs=3]}
 */
public final class LongPath {

    static final Duration TIMEOUT = Duration.ofMinutes(10);

    public static void main(String[] args) throws Exception {
        long rttMs = args.length > 0 ? Long.parseLong(args[0]) : 100;
        long bytes = args.length > 1 ? Long.parseLong(args[1]) : 64L << 20;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        YamuxConfig fixed = YamuxConfig.defaults().withMaxReceiveWindow(YamuxConfig.INITIAL_WINDOW);
        System.out.printf("perf download of %d bytes, tcp+noise+yamux through a %d ms round trip, %s %s%n", bytes,
                rttMs, System.getProperty("java.vm.name"), System.getProperty("java.version"));
        System.out.printf("%-34s %12s %12s%n", "yamux receive window", "median Gb/s", "limit Gb/s");
        double[] fixedRuns = measure(fixed, rttMs, bytes, runs);
        double[] grownRuns = measure(YamuxConfig.defaults(), rttMs, bytes, runs);
        print("256 KiB, fixed", fixedRuns, fixed.maxReceiveWindow(), rttMs);
        print("256 KiB growing to 16 MiB (default)", grownRuns, YamuxConfig.defaults().maxReceiveWindow(), rttMs);
        System.out.printf("ratio default / fixed: %.1f%n", median(grownRuns) / median(fixedRuns));
    }

    /** Download Gb/s of each run, both hosts using {@code config}, each run on a new connection. */
    private static double[] measure(YamuxConfig config, long rttMs, long bytes, int runs) throws IOException {
        Host server = host(config).listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                .handle(Perf.PROTOCOL_ID, Perf.handler()).build();
        server.start().block(TIMEOUT);
        Host client = host(config).build();
        client.start().block(TIMEOUT);
        String target = server.listenAddresses().get(0).toString();
        int port = Integer.parseInt(target.substring(target.lastIndexOf('/') + 1));
        try (DelayProxy proxy = new DelayProxy(port, TimeUnit.MILLISECONDS.toNanos(rttMs) / 2)) {
            Multiaddr through = Multiaddr.of("/ip4/127.0.0.1/tcp/" + proxy.port() + "/p2p/" + server.peerId());
            double[] gbps = new double[runs];
            for (int i = 0; i < runs; i++) {
                Connection connection = client.connect(through).block(TIMEOUT);
                PerfResult result = Perf.run(connection, 0, bytes).block(TIMEOUT);
                connection.close().block(TIMEOUT);
                gbps[i] = bytes * 8.0 / result.downloadNanos();
            }
            return gbps;
        } finally {
            client.stop().block(TIMEOUT);
            server.stop().block(TIMEOUT);
        }
    }

    private static io.peerflux.host.HostBuilder host(YamuxConfig config) {
        return Peerflux.host().transport(Tcp.create()).security(Noise.create()).muxer(Yamux.create(config));
    }

    private static void print(String name, double[] runs, int window, long rttMs) {
        System.out.printf("%-34s %12.3f %12.3f%n", name, median(runs), window * 8.0 / (rttMs / 1e3) / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * Forwards each accepted connection to {@code 127.0.0.1:target}, holding every chunk for {@code delayNanos} in
     * each direction; blocking sockets, two threads per direction (one reads and stamps, one waits and writes).
     */
    static final class DelayProxy implements AutoCloseable {

        private record Chunk(long dueNanos, byte[] data, int length) {
        }

        private final ServerSocket listener;
        private final long delayNanos;

        DelayProxy(int target, long delayNanos) throws IOException {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.delayNanos = delayNanos;
            daemon(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket in = listener.accept();
                        Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                        in.setTcpNoDelay(true);
                        out.setTcpNoDelay(true);
                        forward(in, out);
                        forward(out, in);
                    } catch (IOException e) {
                        // closed, or the target refused: the dialer sees its connection fail
                    }
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        private void forward(Socket from, Socket to) {
            LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
            daemon(() -> {
                try (InputStream in = from.getInputStream()) {
                    int n;
                    do {
                        byte[] data = new byte[64 * 1024];
                        n = in.read(data);
                        queue.add(new Chunk(System.nanoTime() + delayNanos, data, n));
                    } while (n >= 0);
                } catch (IOException e) {
                    queue.add(new Chunk(System.nanoTime() + delayNanos, null, -1));
                }
            });
            daemon(() -> {
                try {
                    OutputStream out = to.getOutputStream();
                    for (Chunk chunk = queue.take(); chunk.length >= 0; chunk = queue.take()) {
                        TimeUnit.NANOSECONDS.sleep(Math.max(0, chunk.dueNanos - System.nanoTime()));
                        out.write(chunk.data, 0, chunk.length);
                    }
                    to.shutdownOutput();
                } catch (IOException | InterruptedException e) {
                    // the other side closed
                }
            });
        }

        private static void daemon(Runnable task) {
            Thread thread = new Thread(task, "delay-proxy");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
