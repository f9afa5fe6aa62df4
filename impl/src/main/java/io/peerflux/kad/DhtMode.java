package io.peerflux.kad;

/** Whether this node serves the DHT (kad-dht spec, "Client and server mode"). */
public enum DhtMode {
    /** Serves the protocol and announces it with identify: for reachable, long-lived nodes. */
    SERVER,
    /** Queries the DHT without serving it or entering anyone's routing table: for nodes behind NAT or short-lived. */
    CLIENT,
    /** A client until the host has a public address it knows is reachable, then a server. */
    AUTO
}
