#!/usr/bin/env bash
# Heap + direct memory per idle TCP + Noise + Yamux connection: a Peerflux server JVM and a client JVM on loopback;
# the client opens the connections in steps (default 1000, then 10000) and prints what each side holds per
# connection. Usage: benchmarks/idle-memory.sh [counts=1000,10000] [settleSeconds=5]
# JAVA selects the JDK (default: java on PATH); JAVA_OPTS is passed to both JVMs. Builds benchmarks.jar if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNTS=${1:-1000,10000}
SETTLE=${2:-5}
JAR=benchmarks/target/benchmarks.jar
[ -f "$JAR" ] || ./mvnw -B -q -pl benchmarks -am package -DskipTests
MAX=$(echo "$COUNTS" | tr ',' '\n' | sort -n | tail -1)
# Each side needs a descriptor per connection; ask for headroom, up to the hard limit.
WANT=$((MAX + 1024)); HARD=$(ulimit -Hn)
[ "$HARD" != unlimited ] && [ "$HARD" -lt "$WANT" ] && { echo "fd hard limit $HARD < $WANT" >&2; exit 1; }
ulimit -n "$WANT"
JAVA=${JAVA:-java}
FIFO=$(mktemp -u); mkfifo "$FIFO"
OUT=$(mktemp)
# The server serves until its stdin (the fifo, held open by fd 3) closes.
"$JAVA" ${JAVA_OPTS:-} -cp "$JAR" io.peerflux.benchmarks.IdleMemory server <"$FIFO" >"$OUT" &
SERVER=$!
exec 3>"$FIFO"
trap 'exec 3>&-; wait $SERVER 2>/dev/null; rm -f "$FIFO" "$OUT"' EXIT
for _ in $(seq 100); do grep -q '^listening ' "$OUT" && break; sleep 0.2; done
ADDRESS=$(sed -n 's/^listening //p' "$OUT")
[ -n "$ADDRESS" ] || { echo "server did not start" >&2; cat "$OUT" >&2; exit 1; }
"$JAVA" ${JAVA_OPTS:-} -cp "$JAR" io.peerflux.benchmarks.IdleMemory client "$ADDRESS" "$COUNTS" "$SETTLE"
