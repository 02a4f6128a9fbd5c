#!/bin/bash
# Drives the demo workload (docs/demo-workload.md) with kubectl against the cluster in $KUBECONFIG.
#   load.sh install     namespace, cpu-burner (2 replicas), pending-pods (0 replicas)
#   load.sh cpu N       cpu-burner at N replicas (each burns ~0.5 vCPU)
#   load.sh pending N   pending-pods at N replicas (each requests 250m / 128Mi); 50 is the spike test
#   load.sh calm        both back to their idle sizes (cpu-burner 0, pending-pods 0)
#   load.sh watch       nodes, unschedulable pods and the demo pods, every 5 s
#   load.sh remove      deletes the demo namespace
set -euo pipefail

readonly HERE="${BASH_SOURCE[0]%/*}"
readonly NAMESPACE=demo

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}

replicas() { # replicas DEPLOYMENT COUNT
  [[ $2 =~ ^[0-9]+$ ]] || usage
  kubectl -n "$NAMESPACE" scale deployment "$1" --replicas="$2"
}

watch_cluster() {
  while :; do
    clear
    date -u +%H:%M:%SZ
    kubectl get nodes -L k3s-autoscaler/capacity-type,topology.kubernetes.io/zone
    printf '\nunschedulable pods: '
    kubectl get pods -A --field-selector=status.phase=Pending \
      -o jsonpath='{range .items[*]}{.status.conditions[?(@.reason=="Unschedulable")].reason}{"\n"}{end}' \
      | grep -c Unschedulable || true
    kubectl -n "$NAMESPACE" get deployments
    sleep 5
  done
}

case "${1:-}" in
  install) kubectl apply -f "$HERE/namespace.yaml" && kubectl apply -f "$HERE/" ;;
  cpu) replicas cpu-burner "${2:-}" ;;
  pending) replicas pending-pods "${2:-}" ;;
  calm) replicas cpu-burner 0 && replicas pending-pods 0 ;;
  watch) watch_cluster ;;
  remove) kubectl delete namespace "$NAMESPACE" --ignore-not-found ;;
  *) usage ;;
esac
