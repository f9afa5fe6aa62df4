package io.peerflux.faultlab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The fault lab's delay line: a user-space relay, run by {@link FaultLab} as a process of its own in the router
 * namespace, that holds every datagram for a delay with jitter before passing it on. This kernel has no netem, so
 * delay has to come from somewhere else.
 *
 * <p>Why datagrams: the two peers' namespaces are joined by a VXLAN overlay whose remote, on each side, is this
 * relay. Every IP packet the peers exchange over the overlay (TCP segments, QUIC's UDP datagrams, ARP) arrives here
 * as one UDP datagram and leaves as one, so the relay delays <em>packets</em>, as netem would, without raw sockets
 * (which plain Java cannot open). A TCP proxy would have been simpler, but it splits each connection in two, each
 * half with its own tiny round trip and its own loss recovery: loss on a split path is much easier for TCP than on a
 * real one. Here the peers' own TCP and QUIC stacks see the whole round trip and recover every loss themselves.
 *
 * <p>Model: each direction is a FIFO. A datagram is due {@code delay ± jitter} (uniform) after it arrived, but never
 * before the one ahead of it, so jitter varies the spacing without reordering (reordering would be a fault of its
 * own). At most {@code limit} datagrams wait per direction; one arriving at a full queue is dropped, as at a router
 * (netem's default limit is also 1000 packets). Loss and duplication are not done here but by nftables in the same
 * namespace, on the datagrams before they reach this relay.
 *
 * <pre>
 * DelayRelay LOCAL_A PEER_A LOCAL_B PEER_B DELAY_MICROS JITTER_MICROS LIMIT
 * </pre>
 * Datagrams arriving at {@code LOCAL_A} (host:port) go to {@code PEER_B} from {@code LOCAL_B}, and the reverse.
 * Prints {@code relay ready} once both sockets are bound, and its counters when its stdin closes, then exits.
 */
public final class DelayRelay {

    /** Larger than any datagram the overlay sends (its links have a 1500-byte MTU and no offloads). */
    private static final int MAX_DATAGRAM = 65_536;

    private DelayRelay() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: DelayRelay LOCAL_A PEER_A LOCAL_B PEER_B DELAY_MICROS JITTER_MICROS LIMIT");
            System.exit(2);
        }
        long delay = Long.parseLong(args[4]) * 1000;
        long jitter = Long.parseLong(args[5]) * 1000;
        int limit = Integer.parseInt(args[6]);
        DatagramChannel a = bind(address(args[0]));
        DatagramChannel b = bind(address(args[2]));
        Direction aToB = new Direction("a->b", a, b, address(args[3]), delay, jitter, limit);
        Direction bToA = new Direction("b->a", b, a, address(args[1]), delay, jitter, limit);
        aToB.start();
        bToA.start();
        System.out.println("relay ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // relay until the lab closes our stdin
        }
        System.out.println(aToB + " " + bToA);
        System.out.flush();
        System.exit(0);
    }

    private static DatagramChannel bind(InetSocketAddress local) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
        channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
        channel.bind(local);
        return channel;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** A datagram and the time it is due. */
    private record Held(byte[] data, long dueNanos) {
    }

    /** One direction: a receiving thread that stamps and queues, a sending thread that waits and sends. */
    private static final class Direction {
        private final String name;
        private final DatagramChannel in;
        private final DatagramChannel out;
        private final InetSocketAddress to;
        private final long delay;
        private final long jitter;
        private final BlockingQueue<Held> queue;
        private final AtomicLong forwarded = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private long lastDue;

        Direction(String name, DatagramChannel in, DatagramChannel out, InetSocketAddress to, long delay,
                  long jitter, int limit) {
            this.name = name;
            this.in = in;
            this.out = out;
            this.to = to;
            this.delay = delay;
            this.jitter = jitter;
            this.queue = new ArrayBlockingQueue<>(limit);
        }

        void start() {
            Thread receiver = new Thread(this::receive, "relay-" + name + "-in");
            Thread sender = new Thread(this::send, "relay-" + name + "-out");
            receiver.setDaemon(true);
            sender.setDaemon(true);
            receiver.start();
            sender.start();
        }

        private void receive() {
            ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
            try {
                while (true) {
                    buffer.clear();
                    in.receive(buffer);
                    buffer.flip();
                    byte[] data = new byte[buffer.remaining()];
                    buffer.get(data);
                    long spread = jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1);
                    long due = Math.max(lastDue, System.nanoTime() + Math.max(0, delay + spread));
                    if (queue.offer(new Held(data, due))) {
                        lastDue = due;
                    } else {
                        dropped.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                fail(e);
            }
        }

        private void send() {
            try {
                while (true) {
                    Held held = queue.take();
                    long wait;
                    while ((wait = held.dueNanos() - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    try {
                        out.send(ByteBuffer.wrap(held.data()), to);
                        forwarded.incrementAndGet();
                    } catch (IOException e) {
                        // e.g. no route while the lab rewires the namespace: lost, like any dropped packet
                        dropped.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void fail(IOException e) {
            System.err.println("relay " + name + " failed: " + e);
            System.exit(1);
        }

        @Override
        public String toString() {
            return name + " forwarded=" + forwarded + " dropped=" + dropped;
        }
    }
}
