#!/usr/bin/env bash
# The kube steps on a large cluster (a measurement, not a test).
#
# Builds the kube Lambda jar and starts the benchmark's cluster in its own JVM (functions/kube test
# bench/BenchCluster: the testkit's K3s API with 200 nodes and 5,000 pods shaped like kubectl's
# output). Then runs each kube step's handler over the production client (scripts/bench/KubeStep):
# RUNS times in one JVM with a 1 GB heap for time, bytes read and heap allocated (medians), and once
# in a fresh JVM per heap size of HEAPS (MB) until one completes within LIMIT seconds (the kube
# Lambdas' default timeout; a heap too small for the step thrashes in GC rather than failing at once).
# Prints a Markdown table.
#
#   scripts/benchmark-kube-steps.sh [RUNS] [KUBE_JAR]     (default 5, the jar this tree builds)
#
# KUBE_JAR measures another version of the steps against the same cluster, e.g. the jar built by
# `./autoscaler mvn -q -DskipTests -pl functions/kube -am package` in a worktree of an older commit.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-5}
KUBE_JAR=${2:-functions/kube/target/kube-lambda.jar}
HEAPS="48 64 96 150 256 512"
LIMIT=30
# shellcheck source=scripts/bench/common.sh
. scripts/bench/common.sh

echo "building the kube jar and the benchmark's cluster ..." >&2
./autoscaler mvn -q -B -ntp -DskipTests -pl functions/kube -am package dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
"$JAVA_HOME/bin/javac" -cp "$KUBE_JAR" -d "$WORK/harness" scripts/bench/KubeStep.java

# The cluster in its own JVM: the measured JVMs hold only the step and its client.
"$JAVA" -Xmx3g -cp "functions/kube/target/test-classes:$(cat functions/kube/target/bench-classpath.txt)" \
  dev.k3sautoscaler.kube.bench.BenchCluster "$WORK/env" >"$WORK/cluster.log" 2>&1 &
SERVER_PID=$!
await_server "$WORK/cluster.log" 300 "the benchmark's cluster"
grep '^bench cluster ready' "$WORK/cluster.log" >&2

# Steps that change a node take a fresh worker per run; the read-only ones run first, on the untouched cluster.
mb() { # bytes -> MB with two decimals; "-" stays
  if [ "$1" = "-" ]; then echo "-"; else awk -v b="$1" 'BEGIN {printf "%.2f", b / 1048576}'; fi
}

NEXT_WORKER=0
step() { # heap_mb step runs seconds -> sets LINE to the KUBESTEP line (no subshell: NEXT_WORKER carries over)
  local first=$NEXT_WORKER
  case "$2" in CheckWorkersJoined|SelectScaleDownTarget) ;; *) NEXT_WORKER=$((NEXT_WORKER + $3)) ;; esac
  LINE=$(timeout "$4" "$JAVA" -Xmx"$1"m -XX:+UseSerialGC -XX:+TieredCompilation -XX:TieredStopAtLevel=1 \
    -cp "$KUBE_JAR:$WORK/harness" KubeStep "$WORK/env" "$2" "$3" "$first" 2>>"$WORK/steps.err" \
    | grep '^KUBESTEP') || true
  LINE=${LINE:-"KUBESTEP $2 - - - - over-$4-s"}
}

echo "| Step | Time (ms) | CPU (ms) | Read from the API (MB) | Heap allocated (MB) | Smallest heap that completes | At -Xmx150m |"
echo "|---|---:|---:|---:|---:|---:|---|"
for name in CheckWorkersJoined SelectScaleDownTarget CordonNode DrainNode DrainNodeWithAPodWaiting UncordonNode DeleteNode; do
  step 1024 "$name" "$RUNS" 600
  read -r _ _ ms cpu bytes allocated outcome <<<"$LINE"
  smallest="> 512 MB"
  at150="-"
  for heap in $HEAPS; do
    step "$heap" "$name" 1 "$LIMIT"
    read -r _ _ _ _ _ _ result <<<"$LINE"
    [ "$heap" -le 150 ] && at150=$result
    if [ "$result" = "ok" ]; then
      smallest="$heap MB"
      break
    fi
  done
  [ "$at150" = "ok" ] && at150="completes"
  echo "| $name | $ms | $cpu | $(mb "$bytes") | $(mb "$allocated") | $smallest | $at150 |"
  [ "$outcome" = "ok" ] || echo "  ($name: $outcome)" >&2
done
