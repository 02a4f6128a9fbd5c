# Written by the master's bootstrap from the SSM parameter ${HEADROOM_PARAM}: the autoscaler's HEADROOM_* and
# WORKER_* settings, for the fast path's headroom alert (autoscaler-rules.yml). Do not edit here.
groups:
  - name: k3s-autoscaler.headroom-setting
    rules:
      - record: k3s_autoscaler:headroom_cpu:cores
        expr: vector(${HEADROOM_CPU_MILLIS} / 1000)
      - record: k3s_autoscaler:headroom_memory:bytes
        expr: vector(${HEADROOM_MEMORY_MIB} * 1048576)
      - record: k3s_autoscaler:worker_cpu:cores
        expr: vector(${WORKER_CPU_MILLIS} / 1000)
      - record: k3s_autoscaler:worker_memory:bytes
        expr: vector(${WORKER_MEMORY_MIB} * 1048576)
