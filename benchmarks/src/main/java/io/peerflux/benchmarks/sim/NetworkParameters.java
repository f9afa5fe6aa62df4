package io.peerflux.benchmarks.sim;

/**
 * How the simulated network behaves.
 *
 * @param lossRate the chance that one transmission of a message is lost; a lost message is sent again after
 *     {@code max(200 ms, 2 × RTT)} (a TCP-like retransmission timeout: the protocols run over reliable streams), and
 *     may be lost again
 * @param connectRtts the round trips a connection takes to set up before its first message goes (1 for QUIC, 2 for
 *     TCP with a one-round-trip security handshake; 0 models connections that are already open)
 * @param connectionsPerNode how many connections a node keeps open; opening one more closes its least recently used
 * @param uplinkBytesPerSecond each node's upload bandwidth, or 0 for unlimited (small DHT messages can ignore it)
 */
public record NetworkParameters(double lossRate, int connectRtts, int connectionsPerNode, long uplinkBytesPerSecond) {

    /** The retransmission timeout's floor (Linux's TCP_RTO_MIN is 200 ms). */
    public static final long MIN_RETRANSMISSION_NANOS = 200_000_000L;

    public NetworkParameters {
        if (lossRate < 0 || lossRate >= 1 || connectRtts < 0 || connectionsPerNode < 1 || uplinkBytesPerSecond < 0) {
            throw new IllegalArgumentException("loss in [0, 1), connectRtts ≥ 0, connectionsPerNode ≥ 1, "
                    + "uplink ≥ 0");
        }
    }

    /** No loss, one-round-trip connection setup (QUIC), 200 connections per node, unlimited bandwidth. */
    public static NetworkParameters defaults() {
        return new NetworkParameters(0, 1, 200, 0);
    }

    public NetworkParameters withLossRate(double lossRate) {
        return new NetworkParameters(lossRate, connectRtts, connectionsPerNode, uplinkBytesPerSecond);
    }

    public NetworkParameters withConnectRtts(int connectRtts) {
        return new NetworkParameters(lossRate, connectRtts, connectionsPerNode, uplinkBytesPerSecond);
    }
}
