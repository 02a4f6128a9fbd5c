# shellcheck shell=bash
# Sourced by the benchmark scripts, from the repository root: a scratch directory ($WORK) removed on
# exit together with the background server the script starts, and the project's JDK ($JAVA_HOME, $JAVA).

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The JDK the project uses (the autoscaler script finds it); Lambda runs java25.
JAVA_HOME=$(./autoscaler jdk)
JAVA="$JAVA_HOME/bin/java"
[ -x "$JAVA" ] || { echo "no JDK found via ./autoscaler" >&2; exit 1; }

# await_server LOG SECONDS WHAT: waits until the server started in the background (SERVER_PID) has
# written $WORK/env; prints its log and fails if it dies or takes longer.
await_server() {
  local log=$1 seconds=$2 what=$3
  for _ in $(seq 1 $((seconds * 2))); do
    [ -s "$WORK/env" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.5
  done
  echo "$what did not start" >&2
  exit 1
}
