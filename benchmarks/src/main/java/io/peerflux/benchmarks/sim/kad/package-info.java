/**
 * Peerflux's Kademlia DHT state machine ({@link io.peerflux.kad.KadNode}, unchanged) run on the simulated network of
 * {@link io.peerflux.benchmarks.sim} at 100 to 10,000 nodes, to measure what the issue asks of it: lookup success,
 * latency and hop count, and where provider records land, with and without churn and loss. {@link
 * io.peerflux.benchmarks.sim.kad.DhtSim} is the command line, {@code benchmarks/dht-sim.sh} the usual runs.
 */
package io.peerflux.benchmarks.sim.kad;
