# shellcheck shell=bash
# Sourced from the repository root by ./autoscaler and the simulator's benchmarks: the simulator's JVM
# flags, defined once.
#
# DynamoDB Local loads native SQLite; the mock K3s API's Netty still uses sun.misc.Unsafe. A day of a
# 100-worker cluster keeps under 200 MB live; without a cap the JVM grows its heap to a quarter of
# the machine's memory first (SIMULATOR_HEAP overrides the cap for longer or larger runs); a run past
# it stops at once with the JVM's OutOfMemoryError message rather than hanging in a server thread.
# The throughput collector: under G1 a heap this small made every multi-megabyte list answer a
# humongous allocation and ran concurrent cycles beside the one busy thread (a 12-hour run of
# diurnal-large took 1.37 times as long on these two cores).
# shellcheck disable=SC2034 # used by the scripts that source this file
SIMULATOR_JVM_FLAGS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow "-Xmx${SIMULATOR_HEAP:-512m}"
  -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError)
