#!/usr/bin/env bash
# Perf downloads over TCP + Noise + Yamux through a long path (a delaying proxy in the JVM): Yamux windows fixed at
# 256 KiB against the default ones that grow to 16 MiB. Usage: benchmarks/long-path.sh [rttMs=100] [bytes] [runs=3]
# JAVA selects the JDK (default: java on PATH). Builds benchmarks.jar first if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
[ -f "$JAR" ] || ./mvnw -B -q -pl benchmarks -am package -DskipTests
exec "${JAVA:-java}" -cp "$JAR" io.peerflux.benchmarks.LongPath "$@"
