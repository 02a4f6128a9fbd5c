# shellcheck shell=bash
# Worker (K3s agent) user data, appended to lib.sh. It holds no secret: the join token and the
# master's address are read from SSM with the instance role. Boot sequence and timings, and how to
# debug a worker that never joins: docs/bootstrap.md.

readonly K3S_VERSION="__K3S_VERSION__"
readonly JOIN_TOKEN_PARAM="__JOIN_TOKEN_PARAM__"
readonly MASTER_ADDRESS_PARAM="__MASTER_ADDRESS_PARAM__"

# A worker launched together with the master waits for it to publish the join information (60-90 s
# after the master starts). Ten minutes is the autoscaler's join timeout: past it the instance is
# terminated anyway.
readonly SSM_WAIT_SECONDS=600
# systemd reports k3s-agent active once it has registered with the server, 5-15 s after start.
readonly AGENT_ACTIVE_SECONDS=180

agent_active() {
  systemctl is-active --quiet k3s-agent
}

log "worker bootstrap: K3s $K3S_VERSION"
read_instance_identity
# "spot" or "on-demand": the autoscaler and the scheduler read it from the node label.
CAPACITY_TYPE=$(imds instance-life-cycle)

MASTER_ADDRESS=$(retry "$SSM_WAIT_SECONDS" ssm_get "$MASTER_ADDRESS_PARAM") \
  || fail "no master address in SSM $MASTER_ADDRESS_PARAM"
JOIN_TOKEN=$(retry "$SSM_WAIT_SECONDS" ssm_get "$JOIN_TOKEN_PARAM") \
  || fail "no join token in SSM $JOIN_TOKEN_PARAM"
log "join information read from SSM: master $MASTER_ADDRESS"

install -d -m 0700 /etc/rancher/k3s
cat > /etc/rancher/k3s/config.yaml <<EOF
server: "https://$MASTER_ADDRESS:6443"
token: "$JOIN_TOKEN"
node-name: "$INSTANCE_ID"
node-label:
  - "k3s-autoscaler/managed=true"
  - "k3s-autoscaler/capacity-type=$CAPACITY_TYPE"
  - "topology.kubernetes.io/zone=$AVAILABILITY_ZONE"
  - "topology.kubernetes.io/region=$AWS_REGION"
  - "node.kubernetes.io/instance-type=$INSTANCE_TYPE"
kubelet-arg:
  - "provider-id=$PROVIDER_ID"
EOF
unset JOIN_TOKEN

install_k3s "$K3S_VERSION" agent
log "starting k3s-agent"
systemctl start --no-block k3s-agent
if ! retry "$AGENT_ACTIVE_SECONDS" agent_active; then
  # The console log is readable without SSH (aws ec2 get-console-output): leave the agent's reason there.
  journalctl -u k3s-agent --no-pager -n 40 >&2 || true
  fail "k3s-agent not active after ${AGENT_ACTIVE_SECONDS}s: see docs/bootstrap.md, 'A worker never joins'"
fi
log "k3s-agent active: worker bootstrap done (the node turns Ready on the server within seconds)"
