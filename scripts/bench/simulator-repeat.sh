#!/usr/bin/env bash
# The simulator's warm-up against its steady cost: one scenario run RUNS times in one JVM (the
# simulator jar and JVM flags of ./autoscaler simulate), each run's wall time printed. The first run
# is what ./autoscaler simulate costs; the difference to the later ones is the JVM's warm-up.
#
#   scripts/bench/simulator-repeat.sh [RUNS] [SCENARIO]     default: 3 diurnal-large
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
SCENARIO=${2:-diurnal-large}
# shellcheck source=scripts/bench/common.sh
. scripts/bench/common.sh
# shellcheck source=scripts/simulator-jvm-flags.sh
. scripts/simulator-jvm-flags.sh
jar=simulator/target/simulator.jar
[ -f "$jar" ] || ./autoscaler mvn -q package -DskipTests -Dexec.skip=true -pl simulator -am
"$JAVA_HOME/bin/javac" -cp "$jar" -d "$WORK/harness" scripts/bench/SimulatorRepeat.java
# In place, the variables the simulate command otherwise sets in a child JVM it starts for them
# (Powertools' service and namespace, EMF on stdout: what Lambda's environment holds).
export POWERTOOLS_SERVICE_NAME=k3s-autoscaler POWERTOOLS_LOG_LEVEL=INFO \
  POWERTOOLS_METRICS_NAMESPACE=K3sAutoscaler AWS_EMF_ENVIRONMENT=Lambda
"$JAVA" "${SIMULATOR_JVM_FLAGS[@]}" -cp "$jar:$WORK/harness" SimulatorRepeat "$RUNS" "$WORK/out" --scenario "$SCENARIO" \
  > "$WORK/log" 2>&1 || { tail -30 "$WORK/log"; exit 1; }
grep '^RUN ' "$WORK/log"
