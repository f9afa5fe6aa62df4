#!/usr/bin/env bash
# Ping RTT percentiles: Peerflux (TCP + Noise + Yamux, /ipfs/ping/1.0.0) against bare TCP echoes of 32 bytes, in one
# JVM on loopback. Usage: benchmarks/latency.sh [pingsPerRound] [rounds] [warmupPings]
# JAVA selects the JDK (default: java on PATH). Builds benchmarks.jar first if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
[ -f "$JAR" ] || ./mvnw -B -q -pl benchmarks -am package -DskipTests
exec "${JAVA:-java}" -cp "$JAR" io.peerflux.benchmarks.PingLatency "$@"
