#!/usr/bin/env bash
# The soak: a server JVM and a client JVM on loopback; the client holds CONNECTIONS TCP + Noise + Yamux connections
# with STREAMS echo streams each, then echoes BYTES bytes on every stream and checks them; both JVMs run Netty's leak
# detector at PARANOID and report heap, direct memory and resident set (VmRSS, peak VmHWM). Exits non-zero on a lost
# byte, a dropped connection, a leak in either JVM, or when the two peaks add up to more than LIMIT_MIB.
# Usage: benchmarks/soak.sh [connections=10000] [streams=10] [bytes=1024] [limitMiB=4096] [holdSeconds=30]
# JAVA selects the JDK (default: java on PATH); SOAK_JAVA_OPTS goes to both JVMs (default: -Xmx1g
# -XX:MaxDirectMemorySize=1g). Builds benchmarks.jar if missing. On a shared machine, run it under the build lock.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${1:-10000}
STREAMS=${2:-10}
BYTES=${3:-1024}
LIMIT_MIB=${4:-4096}
HOLD=${5:-30}
JAR=benchmarks/target/benchmarks.jar
[ -f "$JAR" ] || ./mvnw -B -q -pl benchmarks -am package -DskipTests
# Each side needs a descriptor per connection (and the client a loopback port each, from the ephemeral range).
WANT=$((CONNECTIONS + 4096))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$WANT" ]; then
  if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$WANT" ]; then
    # Raising the hard limit needs root (CAP_SYS_RESOURCE).
    ulimit -Hn "$WANT" 2>/dev/null \
      || { echo "cannot raise the descriptor limit to $WANT (hard limit $(ulimit -Hn))" >&2; exit 1; }
  fi
  ulimit -n "$WANT"
fi
read -r LOW HIGH < /proc/sys/net/ipv4/ip_local_port_range
[ $((HIGH - LOW)) -gt "$CONNECTIONS" ] || { echo "ephemeral ports $LOW-$HIGH: too few for $CONNECTIONS" >&2; exit 1; }
JAVA=${JAVA:-java}
OPTS="${SOAK_JAVA_OPTS:--Xmx1g -XX:MaxDirectMemorySize=1g} -Dio.netty.leakDetection.level=PARANOID"
OPTS="$OPTS -Dio.netty.customResourceLeakDetector=io.peerflux.benchmarks.soak.CountingLeakDetector"
FIFO=$(mktemp -u); mkfifo "$FIFO"
OUT=$(mktemp)
# The server serves until its stdin (the fifo, held open by fd 3) closes, then checks itself for leaks.
# shellcheck disable=SC2086
"$JAVA" $OPTS -cp "$JAR" io.peerflux.benchmarks.soak.Soak server <"$FIFO" >"$OUT" &
SERVER=$!
exec 3>"$FIFO"
trap 'exec 3>&- 2>/dev/null; kill $SERVER 2>/dev/null; rm -f "$FIFO" "$OUT"' EXIT
for _ in $(seq 150); do grep -q '^listening ' "$OUT" && break; sleep 0.2; done
ADDRESS=$(sed -n 's/^listening //p' "$OUT")
[ -n "$ADDRESS" ] || { echo "server did not start" >&2; cat "$OUT" >&2; exit 1; }
START=$(date +%s)
status=0
# shellcheck disable=SC2086
"$JAVA" $OPTS -cp "$JAR" io.peerflux.benchmarks.soak.Soak client "$ADDRESS" "$CONNECTIONS" "$STREAMS" "$BYTES" \
  "$LIMIT_MIB" "$HOLD" || status=$?
exec 3>&-
server_status=0
wait "$SERVER" || server_status=$?
trap 'rm -f "$FIFO" "$OUT"' EXIT
grep -v '^listening ' "$OUT" || true
echo "soak took $(( $(date +%s) - START )) s; client exit $status, server exit $server_status"
[ "$status" -eq 0 ] && [ "$server_status" -eq 0 ]
