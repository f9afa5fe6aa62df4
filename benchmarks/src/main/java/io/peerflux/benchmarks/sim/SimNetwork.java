package io.peerflux.benchmarks.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Carries messages between the nodes of a {@link Topology} in virtual time: half a round trip per message, plus
 * retransmission delays for lost transmissions, plus queueing on the sender's uplink when its bandwidth is bounded.
 * A message to a peer without an open connection first dials it ({@link NetworkParameters#connectRtts} round trips);
 * both ends then keep the connection in their {@link ConnectionCache}, and the {@link ConnectionListener} hears of
 * it. A node that {@linkplain #leave leaves} does so without notice: messages to it and dials to it vanish, and its
 * peers only learn of it by their own timeouts.
 *
 * <p>Callbacks never run inside {@link #send} or {@link #connect}: they are events of the scheduler, so a protocol
 * state machine is never entered twice at once.
 */
public final class SimNetwork {

    /** Hears of connections as they open. */
    @FunctionalInterface
    public interface ConnectionListener {
        /** {@code dialer} and {@code listener} are now connected (both ends see it at once). */
        void opened(int dialer, int listener);
    }

    private static final class Node {
        final ConnectionCache connections;
        /** Dials in progress, by peer: the messages waiting for each. */
        final Map<Integer, List<Runnable>> dialing = new HashMap<>();
        boolean alive = true;
        long uplinkFreeAt;

        Node(int connections) {
            this.connections = new ConnectionCache(connections);
        }
    }

    private final VirtualScheduler scheduler;
    private final Topology topology;
    private final NetworkParameters parameters;
    private final SplittableRandom random;
    private final List<Node> nodes = new ArrayList<>();
    private ConnectionListener listener = (dialer, peer) -> { };
    private long transmissions;
    private long losses;
    private long dials;

    public SimNetwork(VirtualScheduler scheduler, Topology topology, NetworkParameters parameters,
                      SplittableRandom random) {
        this.scheduler = scheduler;
        this.topology = topology;
        this.parameters = parameters;
        this.random = random;
    }

    public void listen(ConnectionListener listener) {
        this.listener = listener;
    }

    public VirtualScheduler scheduler() {
        return scheduler;
    }

    public Topology topology() {
        return topology;
    }

    /** Adds a node to the topology and the network; returns its number. */
    public int join() {
        int node = topology.add();
        nodes.add(new Node(parameters.connectionsPerNode()));
        return node;
    }

    /** The node goes away without notice. */
    public void leave(int node) {
        nodes.get(node).alive = false;
    }

    public boolean alive(int node) {
        return nodes.get(node).alive;
    }

    public int size() {
        return nodes.size();
    }

    /** Whether {@code from} holds an open connection to {@code to} (asking does not count as using it). */
    public boolean connected(int from, int to) {
        return nodes.get(from).connections.contains(to);
    }

    /** Closes the connection between {@code a} and {@code b}, if open, as a connection manager would. */
    public void disconnect(int a, int b) {
        nodes.get(a).connections.remove(b);
        nodes.get(b).connections.remove(a);
    }

    /** Dials {@code to} unless a connection is open or being opened. */
    public void connect(int from, int to) {
        send(from, to, 0, null);
    }

    /**
     * Sends {@code bytes} from {@code from} to {@code to}, dialing first if needed; {@code delivered} runs when it
     * arrives, unless the receiver is gone by then ({@code null}: a dial only).
     */
    public void send(int from, int to, int bytes, Runnable delivered) {
        Node sender = nodes.get(from);
        if (!sender.alive) {
            return;
        }
        if (sender.connections.use(to)) {
            nodes.get(to).connections.use(from);
            if (delivered != null) {
                transmit(from, to, bytes, delivered);
            }
            return;
        }
        List<Runnable> waiting = sender.dialing.get(to);
        if (waiting == null) {
            waiting = new ArrayList<>(1);
            sender.dialing.put(to, waiting);
            dials++;
            long rtt = topology.rttNanos(from, to);
            long setup = parameters.connectRtts() == 0 ? 0 : parameters.connectRtts() * rtt + lossDelay(rtt);
            scheduler.after(setup, () -> dialed(from, to));
        }
        if (delivered != null) {
            int size = bytes;
            waiting.add(() -> transmit(from, to, size, delivered));
        }
    }

    private void dialed(int from, int to) {
        Node dialer = nodes.get(from);
        List<Runnable> waiting = dialer.dialing.remove(to);
        if (!dialer.alive || !nodes.get(to).alive) {
            return;
        }
        open(from, to);
        open(to, from);
        listener.opened(from, to);
        waiting.forEach(Runnable::run);
    }

    private void open(int at, int peer) {
        int closed = nodes.get(at).connections.add(peer);
        if (closed >= 0) {
            nodes.get(closed).connections.remove(at);
        }
    }

    private void transmit(int from, int to, int bytes, Runnable delivered) {
        long rtt = topology.rttNanos(from, to);
        long departs = scheduler.now();
        long uplink = parameters.uplinkBytesPerSecond();
        if (uplink > 0) {
            Node sender = nodes.get(from);
            departs = Math.max(departs, sender.uplinkFreeAt) + bytes * 1_000_000_000L / uplink;
            sender.uplinkFreeAt = departs;
        }
        long delay = departs - scheduler.now() + rtt / 2 + lossDelay(rtt);
        transmissions++;
        scheduler.after(delay, () -> {
            if (nodes.get(to).alive) {
                delivered.run();
            }
        });
    }

    /** The retransmission delays of one transmission (or handshake) over a link of round trip {@code rtt}. */
    private long lossDelay(long rtt) {
        long delay = 0;
        while (parameters.lossRate() > 0 && random.nextDouble() < parameters.lossRate()) {
            losses++;
            delay += Math.max(NetworkParameters.MIN_RETRANSMISSION_NANOS, 2 * rtt);
        }
        return delay;
    }

    /** Messages transmitted (each counted once, however often it was lost). */
    public long transmissions() {
        return transmissions;
    }

    /** Transmissions and handshakes lost and sent again. */
    public long losses() {
        return losses;
    }

    /** Connections dialed (to live or gone peers). */
    public long dials() {
        return dials;
    }
}
