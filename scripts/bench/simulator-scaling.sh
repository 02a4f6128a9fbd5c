#!/usr/bin/env bash
# How the simulator's wall time and memory grow with the cluster: the same 3-hour story (a steady
# web workload, a half-hour ramp up by a fifth, back down) at several cluster sizes, one fresh JVM
# each, with the simulator jar and JVM flags of ./autoscaler simulate. The same scenario cut to one
# minute measures what does not depend on the simulated time (JVM, DynamoDB Local, reports), so
# the cost per simulated hour is the difference over the hours. Prints a Markdown table.
#
#   scripts/bench/simulator-scaling.sh [workers ...]     default: 10 50 100 150 300
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 50 100 150 300)
# shellcheck source=scripts/bench/common.sh
. scripts/bench/common.sh
# shellcheck source=scripts/simulator-jvm-flags.sh
. scripts/simulator-jvm-flags.sh
jar=simulator/target/simulator.jar
[ -f "$jar" ] || ./autoscaler mvn -q package -DskipTests -Dexec.skip=true -pl simulator -am
hours=3
pods_per_worker=16

run() { # run <scenario file> <duration> <name>: wall seconds and peak RSS (KB) into $WORK/time-<name>
  /usr/bin/time -f "%e %M" -o "$WORK/time-$3" "$JAVA" "${SIMULATOR_JVM_FLAGS[@]}" -cp "$jar" dev.k3sautoscaler.simulator.cli.SimulateCommand \
    --scenario "$1" --duration "$2" --out "$WORK/out-$3" > "$WORK/log-$3" 2>&1 \
    || { echo "$3 failed:"; tail -20 "$WORK/log-$3"; exit 1; }
}

echo "| workers at start | pods at start → peak | wall time, ${hours} h | of which fixed (1-minute run) | s per simulated hour | s per simulated hour per 1,000 pods | peak RSS |"
echo "|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  base=$((n * pods_per_worker))
  peak=$((base * 6 / 5))
  cat > "$WORK/scale-$n.yaml" <<YAML
name: scale-$n
description: Scaling benchmark - $n m5.large workers, $base web pods, a ramp to $peak and back.
duration: ${hours}h
seed: 7
region: us-east-1
cluster:
  workers: $n
  zones: [us-east-1a, us-east-1b, us-east-1c]
workerType:
  name: m5.large
  cpuMillis: 1900
  memoryMiB: 7000
  hourlyPriceUsd: 0.096
boot: {mean: 70s, spread: 20s}
join: {mean: 25s, spread: 10s}
policy:
  MIN_WORKERS: $((n / 2 > 1 ? n / 2 : 2))
  MAX_WORKERS: $((n * 2 > 300 ? 300 : n * 2))
workload:
  - name: node-exporter
    namespace: monitoring
    kind: DaemonSet
    requests: {cpuMillis: 20, memoryMiB: 32}
    usage: {cpu: 0.5, memory: 0.6}
  - name: web
    namespace: shop
    replicas:
      - {at: 0s, count: $base}
      - {at: 1h, count: $peak, ramp: 30m}
      - {at: 2h, count: $base, ramp: 30m}
    requests: {cpuMillis: 100, memoryMiB: 200}
    usage: {cpu: 0.6, memory: 0.7, jitter: 0.1}
    pdb: {maxUnavailable: $((n > 10 ? n / 5 : 2))}
YAML
  run "$WORK/scale-$n.yaml" 1m "fixed-$n"
  run "$WORK/scale-$n.yaml" "${hours}h" "scale-$n"
  read -r fixed _ < "$WORK/time-fixed-$n"
  read -r wall rss_kb < "$WORK/time-scale-$n"
  awk -v n="$n" -v base="$base" -v peak="$peak" -v wall="$wall" -v fixed="$fixed" -v rss="$rss_kb" -v h="$hours" 'BEGIN {
    per_hour = (wall - fixed) / (h - 1 / 60)
    printf "| %d | %d → %d | %.0f s | %.0f s | %.1f s | %.2f s | %.0f MB |\n", n, base, peak, wall, fixed, per_hour,
      per_hour / (peak / 1000), rss / 1024 }'
done
