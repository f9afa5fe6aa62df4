#!/usr/bin/env bash
# The Kademlia DHT simulator's usual runs (io.peerflux.benchmarks.sim.kad.DhtSim): Peerflux's KadNode at 100, 1,000
# and 10,000 nodes in virtual time, before and after a fifth of the nodes leave without notice; then 1% loss, and
# connections already open (0 setup round trips), at 100 and 1,000 nodes. Each run writes dht-sim.csv,
# dht-sim-cost.csv and dht-sim.png under OUT (default benchmarks/target/dht-sim) and prints the targets' verdicts.
# Usage: benchmarks/dht-sim.sh [seed]   (SIM_NODES="100 1000" skips the 10,000-node run; JAVA_HOME picks the JDK)
# Builds benchmarks.jar first if it is missing. The runs take one CPU each and go one after another.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
SEED="${1:-1}"
OUT="${OUT:-benchmarks/target/dht-sim}"
NODES="${SIM_NODES:-100 1000 10000}"
[ -f "$JAR" ] || flock /tmp/peerflux-build.lock ./mvnw -B -q -pl benchmarks -am package -DskipTests
sim() {
  "$JAVA" -Xmx4g -cp "$JAR" io.peerflux.benchmarks.sim.kad.DhtSim --seed "$SEED" "$@"
}
for n in $NODES; do
  sim --nodes "$n" --gone 0,0.2 --out "$OUT/n$n"
done
sim --nodes 100,1000 --gone 0,0.2 --loss 0.01 --out "$OUT/loss1"
sim --nodes 100,1000 --gone 0 --connect-rtts 0 --out "$OUT/connected"
