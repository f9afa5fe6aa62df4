#!/usr/bin/env bash
# findProviders in one mixed DHT on loopback, Peerflux against js-libp2p (see DhtCompare's javadoc): N js-libp2p and
# N Peerflux servers, K keys provided, each looked up by one node of each kind; prints every time and the medians.
# The JDK is $JAVA_HOME's, else the java on the PATH.
#
# Usage: benchmarks/dht-compare.sh [N (default 10)] [K (default 40)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
./mvnw -B -q -pl benchmarks -am package -DskipTests >&2
if [ ! -d interop/node_modules ]; then
  (cd interop && npm install --no-audit --no-fund >&2)
fi
exec "$java" -cp benchmarks/target/benchmarks.jar io.peerflux.benchmarks.compare.DhtCompare "$@"
