#!/usr/bin/env bash
# The issue 4 comparison in one command: ceiling pipes, Peerflux<->Peerflux, js<->js and Peerflux<->js /perf
# throughput over tcp+noise+yamux, tcp+tls+yamux and quic-v1, interleaved and repeated on one JDK (every party kept
# running and warm), medians, ratios and the issue's targets printed, CSV + PNG written under benchmarks/results/.
# The JDK is $JAVA_HOME's, else the java on the PATH.
#
# Usage: benchmarks/compare.sh [--bytes N] [--runs R] [--warmup W] [--upload] [--only REGEX] [--out DIR]
#   --bytes   bytes per transfer (default 536870912 = 512 MiB)   --runs  counted rounds (default 5)
#   --warmup  rounds before those, not counted (default 6)
#   --upload  also measure client->server                         --only  cases whose "pair stack" label matches
# Java system properties for every Java child: JAVA_OPTS='-Dpeerflux.chacha.provider=Conscrypt' benchmarks/compare.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
"$java" -version 2>&1 | sed 's/^/compare.sh: /' >&2
echo "compare.sh: building samples and benchmarks..." >&2
./mvnw -B -q -pl samples,benchmarks -am package -DskipTests >&2
if [ ! -d interop/node_modules ]; then
  (cd interop && npm install --no-audit --no-fund >&2)
fi
# shellcheck disable=SC2086
exec "$java" ${JAVA_OPTS:-} -cp benchmarks/target/benchmarks.jar io.peerflux.benchmarks.compare.Compare "$@"
