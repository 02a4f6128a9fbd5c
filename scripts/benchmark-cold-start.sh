#!/usr/bin/env bash
# Cold-start benchmark of every Lambda function (a measurement, not a test).
#
# Builds the Lambda jars (target/<module>-lambda.jar), starts the local services they call
# (DynamoDB Local, EC2 fake, fake SSM, mock K3s API, fake Prometheus; e2e BenchServices), then for
# each function runs RUNS fresh JVMs that load the handler from its jar, construct it with its
# no-arg constructor (INIT) and invoke it once with a fixture event (scripts/bench/events).
# Prints a Markdown table: jar size, JVM start, INIT, first invoke and INIT + invoke (medians).
#
#   scripts/benchmark-cold-start.sh [RUNS]        (default 5)
#   WARM_INVOKES=200 scripts/benchmark-cold-start.sh 3   (adds each warm container's median invoke)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-5}
WARM_INVOKES=${WARM_INVOKES:-0}
BENCH=scripts/bench
# shellcheck source=scripts/bench/common.sh
. scripts/bench/common.sh

echo "building the Lambda jars and the bench services ..." >&2
./autoscaler mvn -q -B -ntp -DskipTests -pl e2e -am package dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2

"$JAVA_HOME/bin/javac" -d "$WORK/harness" "$BENCH/ColdStart.java"

# Services in their own JVM, so the measured JVMs only pay for the function itself.
"$JAVA" --enable-native-access=ALL-UNNAMED \
  -cp "e2e/target/test-classes:$(cat e2e/target/bench-classpath.txt)" \
  dev.k3sautoscaler.e2e.bench.BenchServices "$WORK/env" >"$WORK/services.log" 2>&1 &
SERVER_PID=$!
await_server "$WORK/services.log" 60 "bench services"

# module  handler class  fixture event
FUNCTIONS="
decide     dev.k3sautoscaler.decide.DecideHandler                   decide.json
metrics    dev.k3sautoscaler.metrics.CollectMetricsHandler          execution-only.json
state      dev.k3sautoscaler.state.LoadStateHandler                 execution-only.json
state      dev.k3sautoscaler.state.AcquireLockHandler               execution-only.json
lifecycle  dev.k3sautoscaler.lifecycle.ReconcileWorkersHandler      execution-only.json
lifecycle  dev.k3sautoscaler.lifecycle.IdentifyEventInstanceHandler identify-event-instance.json
state      dev.k3sautoscaler.state.ReleaseLockHandler               lease.json
state      dev.k3sautoscaler.state.RecordOutcomeHandler             record-outcome.json
fleet      dev.k3sautoscaler.fleet.LaunchWorkersHandler             launch-workers.json
fleet      dev.k3sautoscaler.fleet.TerminateWorkersHandler          terminate-workers.json
kube       dev.k3sautoscaler.kube.CheckWorkersJoinedHandler         check-workers-joined.json
kube       dev.k3sautoscaler.kube.SelectScaleDownTargetHandler      execution-only.json
kube       dev.k3sautoscaler.kube.CordonNodeHandler                 node.json
kube       dev.k3sautoscaler.kube.DrainNodeHandler                  drain-node.json
kube       dev.k3sautoscaler.kube.UncordonNodeHandler               node.json
kube       dev.k3sautoscaler.kube.DeleteNodeHandler                 node.json
"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

mapfile -t SERVICE_ENV <"$WORK/env"
echo "| Function | Jar | Jar size (MiB) | JVM start (ms) | INIT (ms) | First invoke (ms) | INIT + invoke (ms) | Warm invoke (ms) | Invoke outcome |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
while read -r module handler event; do
  [ -n "$module" ] || continue
  jar="functions/$module/target/$module-lambda.jar"
  size=$(awk -v b="$(stat -c %s "$jar")" 'BEGIN {printf "%.1f", b / 1048576}')
  : >"$WORK/runs"
  outcome=
  for run in $(seq 1 "$RUNS"); do
    sed "s/RUN/$run-$RANDOM/g" "$BENCH/events/$event" >"$WORK/event.json"
    # As the Lambda java17+ runtimes do by default: C1 only, the fastest start.
    line=$(env -i PATH="$PATH" "${SERVICE_ENV[@]}" AWS_LAMBDA_FUNCTION_NAME="$module" COLDSTART_WARM_INVOKES="$WARM_INVOKES" \
      "$JAVA" -XX:+TieredCompilation -XX:TieredStopAtLevel=1 \
      --enable-native-access=ALL-UNNAMED -cp "$jar:$WORK/harness" ColdStart "$handler" "$WORK/event.json" \
      2>/dev/null | grep '^COLDSTART' || echo "COLDSTART 0 0 0 harness-failed -")
    read -r _ jvm init invoke result warm <<<"$line"
    echo "$jvm $init $invoke $((init + invoke)) $warm" >>"$WORK/runs"
    outcome=$result
  done
  jvm=$(cut -d' ' -f1 "$WORK/runs" | median)
  init=$(cut -d' ' -f2 "$WORK/runs" | median)
  invoke=$(cut -d' ' -f3 "$WORK/runs" | median)
  total=$(cut -d' ' -f4 "$WORK/runs" | median)
  warm=$(cut -d' ' -f5 "$WORK/runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "| ${handler##*.} | $module-lambda.jar | $size | $jvm | $init | $invoke | $total | $warm | $outcome |"
done <<<"$FUNCTIONS"
