/**
 * A deterministic network simulator in virtual time, for running Peerflux's protocol state machines (the Kademlia
 * DHT today, gossipsub later) at thousands of nodes on one machine: a discrete-event {@link
 * io.peerflux.benchmarks.sim.VirtualScheduler}, a {@link io.peerflux.benchmarks.sim.Topology} of regions with
 * measured-looking round trips, and a {@link io.peerflux.benchmarks.sim.SimNetwork} with loss, connection setup,
 * connection caches, optional upload bandwidth and nodes that vanish without notice. Everything random comes from
 * seeded {@link java.util.SplittableRandom}s, so one seed gives one run. Not used by Peerflux itself.
 */
package io.peerflux.benchmarks.sim;
