#!/usr/bin/env bash
# Ping RTT percentiles: Peerflux (TCP + Noise + Yamux, /ipfs/ping/1.0.0) against bare TCP echoes of 32 bytes, in one
# JVM on loopback. Usage: benchmarks/latency.sh [pingsPerRound] [rounds] [warmupPings]
# JAVA selects the JDK (default: java on PATH). Builds benchmarks.jar first if it is missing.
#
# The JVM runs on one CPU (LATENCY_CPUS, default 0; LATENCY_CPUS=all lets it use every CPU). On a VM whose idle
# vCPUs halt at once (this machine: cpuidle haltpoll with guest_halt_poll_ns=0), waking a thread on another vCPU costs
# tens of microseconds, and whether an echo's two event loops share a vCPU is the scheduler's choice: the same echo
# measured 18 or 55 µs from run to run. On one CPU every echo hands over the same way, so the ratios compare the
# code, not the placement.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
[ -f "$JAR" ] || ./mvnw -B -q -pl benchmarks -am package -DskipTests
PIN=()
CPUS="${LATENCY_CPUS:-0}"
if [ "$CPUS" != all ] && command -v taskset > /dev/null; then
  PIN=(taskset -c "$CPUS")
fi
exec "${PIN[@]}" "${JAVA:-java}" -cp "$JAR" io.peerflux.benchmarks.PingLatency "$@"
