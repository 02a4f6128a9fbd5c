# shellcheck shell=bash
# Master (K3s server) user data, appended to lib.sh. Safe to run again on the same instance
# (sudo /var/lib/cloud/instance/scripts/part-001): every step checks before it creates, and SSM
# writes overwrite. Run with the argument publish-api-token (as the rotation timer does), it only
# issues a new autoscaler API token and publishes it, and re-applies Prometheus' configuration
# (HEADROOM_PARAM may have changed). Boot sequence and timings: docs/bootstrap.md.

readonly K3S_VERSION="__K3S_VERSION__"
readonly JOIN_TOKEN_PARAM="__JOIN_TOKEN_PARAM__"
readonly MASTER_ADDRESS_PARAM="__MASTER_ADDRESS_PARAM__"
readonly API_TOKEN_PARAM="__API_TOKEN_PARAM__"
readonly CA_CERT_PARAM="__CA_CERT_PARAM__"
readonly BOOTSTRAP_ASSET_URL="__BOOTSTRAP_ASSET_URL__"
readonly API_SERVER_SAN="__API_SERVER_SAN__"
# Empty when the stack has the fast path off: Alertmanager then drops every alert.
readonly FAST_PATH_TOPIC_ARN="__FAST_PATH_TOPIC_ARN__"
# Empty when the stack has the fast path off: the master then writes no headroom rules.
readonly HEADROOM_PARAM="__HEADROOM_PARAM__"

# The agent-only join token (it cannot join a server); generated once, kept across re-runs.
readonly AGENT_TOKEN_SECRET=/etc/rancher/k3s/agent-token
# K3s writes the agent token in its secure form (CA hash + secret) here once the server is up.
readonly AGENT_TOKEN_SECURE=/var/lib/rancher/k3s/server/agent-token
readonly BOOTSTRAP_DIR=/opt/k3s-autoscaler/bootstrap
# Must match the ServiceAccount in manifests/autoscaler-rbac.yaml.
readonly AUTOSCALER_NAMESPACE=kube-system
readonly AUTOSCALER_SERVICE_ACCOUNT=k3s-autoscaler
# Earlier versions published a never-expiring token from this Secret; deleting it revokes that token.
readonly LEGACY_TOKEN_SECRET=k3s-autoscaler-token
# The API token (TokenRequest API) expires after API_TOKEN_VALIDITY_HOURS; a timer issues a new one
# every API_TOKEN_ROTATION_HOURS; the Lambdas cache it 5 min: two runs in a row may fail before one
# expires in use (ApiTokenLifetimeTest).
readonly API_TOKEN_VALIDITY_HOURS=24
readonly API_TOKEN_ROTATION_HOURS=6
readonly API_TOKEN_UNIT=k3s-autoscaler-api-token
readonly SYSTEMD_DIR=/etc/systemd/system
# K3s's server CA signs the API server's certificate; the Lambdas verify the server against it.
readonly SERVER_CA_FILE=/var/lib/rancher/k3s/server/tls/server-ca.crt
# First start of the API server on a t3.medium takes 15-30 s; 5 minutes means it is broken.
readonly API_READY_SECONDS=300

kube() {
  /usr/local/bin/k3s kubectl "$@"
}

write_server_config() {
  install -d -m 0700 /etc/rancher/k3s
  if [ ! -s "$AGENT_TOKEN_SECRET" ]; then
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$AGENT_TOKEN_SECRET"
  fi
  # The control-plane taint keeps workloads on the workers; the monitoring stack tolerates it so
  # that scaling workers down never evicts the Prometheus the autoscaler reads.
  cat > /etc/rancher/k3s/config.yaml <<EOF
node-name: "$INSTANCE_ID"
write-kubeconfig-mode: "0600"
agent-token-file: "$AGENT_TOKEN_SECRET"
tls-san:
  - "$PRIVATE_IP"
  - "$API_SERVER_SAN"
disable:
  - traefik
  - servicelb
node-taint:
  - "node-role.kubernetes.io/control-plane=true:NoSchedule"
node-label:
  - "topology.kubernetes.io/zone=$AVAILABILITY_ZONE"
  - "topology.kubernetes.io/region=$AWS_REGION"
  - "node.kubernetes.io/instance-type=$INSTANCE_TYPE"
kubelet-arg:
  - "provider-id=$PROVIDER_ID"
EOF
}

api_ready() {
  kube get --raw=/readyz >/dev/null 2>&1
}

publish_join_information() {
  local value="$WORK_DIR/value"
  retry "$API_READY_SECONDS" test -s "$AGENT_TOKEN_SECURE" || fail "K3s never wrote $AGENT_TOKEN_SECURE"
  tr -d '\n' < "$AGENT_TOKEN_SECURE" > "$value"
  retry "$NETWORK_RETRY_SECONDS" ssm_put "$JOIN_TOKEN_PARAM" SecureString "$value" \
    || fail "could not write $JOIN_TOKEN_PARAM"
  printf '%s' "$PRIVATE_IP" > "$value"
  retry "$NETWORK_RETRY_SECONDS" ssm_put "$MASTER_ADDRESS_PARAM" String "$value" \
    || fail "could not write $MASTER_ADDRESS_PARAM"
  rm -f "$value"
}

# The manifests and Prometheus configuration come as one S3 asset (they exceed the 16 KB user-data
# limit); the directory is replaced as a whole so a re-run never mixes two versions.
fetch_bootstrap_asset() {
  local archive="$WORK_DIR/bootstrap.zip"
  retry "$NETWORK_RETRY_SECONDS" aws s3 cp --only-show-errors "$BOOTSTRAP_ASSET_URL" "$archive" \
    || fail "could not download $BOOTSTRAP_ASSET_URL"
  rm -rf "$BOOTSTRAP_DIR.new"
  mkdir -p "$BOOTSTRAP_DIR.new"
  python3 -m zipfile -e "$archive" "$BOOTSTRAP_DIR.new" || fail "$BOOTSTRAP_ASSET_URL is not a zip archive"
  rm -rf "$BOOTSTRAP_DIR"
  mv "$BOOTSTRAP_DIR.new" "$BOOTSTRAP_DIR"
}

# render_alertmanager_config FILE: prometheus/alertmanager.yml with this cluster's topic and region
# (its boot template variables, placeholders.json), or without a topic one that drops every alert.
render_alertmanager_config() {
  if [ -n "$FAST_PATH_TOPIC_ARN" ]; then
    sed -e "s|\${FAST_PATH_TOPIC_ARN}|$FAST_PATH_TOPIC_ARN|g" -e "s|\${AWS_REGION}|$AWS_REGION|g" \
      "$BOOTSTRAP_DIR/prometheus/alertmanager.yml" > "$1"
  else
    printf '%s\n' '# The fast path is off (unschedulableFastPath=false): no alert leaves the cluster.' \
      'route:' '  receiver: "null"' 'receivers:' '  - name: "null"' > "$1"
  fi
}

# restart_on_change DEPLOYMENT CHECKSUM: a changed configuration restarts the pod; an unchanged one
# (a re-run) leaves it alone.
restart_on_change() {
  kube -n monitoring patch deployment "$1" --type merge \
    -p "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"k3s-autoscaler/config-sha256\":\"$2\"}}}}}" \
    >/dev/null
}

# render_headroom_rules FILE [keep]: headroom-rules.yml.tpl filled from HEADROOM_PARAM, or no rules
# (the schedule still restores the headroom): never a failed boot. keep: unreadable → 1, rules stay.
render_headroom_rules() {
  # No leading zero: PromQL reads 0100 as octal.
  local value why kv n='(0|[1-9][0-9]*)' fill=(-e "s|\${HEADROOM_PARAM}|$HEADROOM_PARAM|")
  local format="HEADROOM_CPU_MILLIS=$n HEADROOM_MEMORY_MIB=$n WORKER_CPU_MILLIS=$n WORKER_MEMORY_MIB=$n"
  if [ -z "$HEADROOM_PARAM" ]; then
    why="The fast path is off (unschedulableFastPath=false)"
  elif ! value=$(retry "$NETWORK_RETRY_SECONDS" ssm_get "$HEADROOM_PARAM"); then
    why="WARNING: could not read SSM $HEADROOM_PARAM"
    [ "${2:-}" ] && log "$why: rules kept" && return 1
  elif ! [[ $value =~ ^$format$ ]]; then
    why="WARNING: SSM $HEADROOM_PARAM is ${value@Q}, not ${format//"$n"/<n>}"
  elif [ "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" = "0 0" ]; then
    why="No headroom configured"
  else
    for kv in $value; do fill+=(-e "s|\${${kv%=*}}|${kv#*=}|"); done
    sed "${fill[@]}" "$BOOTSTRAP_DIR/prometheus/headroom-rules.yml.tpl" > "$1"
    return
  fi
  log "$why: no headroom rules"
  printf '# %s: no headroom rules.\ngroups: []\n' "$why" > "$1"
}

# apply_prometheus_config [keep]: prometheus-config from prometheus.yml and the rule files.
apply_prometheus_config() {
  local headroom="$WORK_DIR/headroom-rules.yml"
  # Not the whole directory: its templates are not Prometheus' files.
  local files=("$BOOTSTRAP_DIR/prometheus/prometheus.yml" "$BOOTSTRAP_DIR"/prometheus/*-rules.yml "$headroom")
  render_headroom_rules "$headroom" "${1:-}" || return 0
  kube -n monitoring create configmap prometheus-config "${files[@]/#/--from-file=}" \
    --dry-run=client -o yaml | kube apply -f -
  restart_on_change prometheus "$(cat "${files[@]}" | sha256sum | cut -c1-16)"
}

apply_manifests() {
  local alertmanager_config="$WORK_DIR/alertmanager.yml"
  kube apply -f "$BOOTSTRAP_DIR/manifests/00-namespaces.yaml"
  # The ConfigMap exists before the pod, which would otherwise wait out a mount backoff (Prometheus'
  # first pod does; its checksum patch replaces it).
  render_alertmanager_config "$alertmanager_config"
  kube -n monitoring create configmap alertmanager-config --from-file=alertmanager.yml="$alertmanager_config" \
    --dry-run=client -o yaml | kube apply -f -
  retry "$NETWORK_RETRY_SECONDS" kube apply -f "$BOOTSTRAP_DIR/manifests/" || fail "kubectl apply failed"
  apply_prometheus_config
  restart_on_change alertmanager "$(sha256sum < "$alertmanager_config" | cut -c1-16)"
}

# issue_api_token FILE: a new bound token (TokenRequest API), without kubectl's trailing newline,
# which would otherwise end up in the Lambdas' Authorization header.
issue_api_token() {
  kube -n "$AUTOSCALER_NAMESPACE" create token "$AUTOSCALER_SERVICE_ACCOUNT" \
    --duration="${API_TOKEN_VALIDITY_HOURS}h" | tr -d '\n' > "$1" && [ -s "$1" ]
}

publish_api_credentials() {
  local token="$WORK_DIR/api-token"
  retry "$NETWORK_RETRY_SECONDS" issue_api_token "$token" \
    || fail "could not issue a token for $AUTOSCALER_NAMESPACE/$AUTOSCALER_SERVICE_ACCOUNT (is the ServiceAccount in manifests/?)"
  retry "$NETWORK_RETRY_SECONDS" ssm_put "$API_TOKEN_PARAM" SecureString "$token" \
    || fail "could not write $API_TOKEN_PARAM"
  rm -f "$token"
  # The CA is public; a String parameter lets readers skip KMS decryption.
  retry "$NETWORK_RETRY_SECONDS" ssm_put "$CA_CERT_PARAM" String "$SERVER_CA_FILE" \
    || fail "could not write $CA_CERT_PARAM"
  log "autoscaler API token (valid ${API_TOKEN_VALIDITY_HOURS}h) and cluster CA published to SSM"
}

# A timer runs this same script to re-issue the token well before it expires (and refresh the
# headroom rules). Persistent: a run missed while the master was stopped happens after the next boot.
install_api_token_timer() {
  local script
  script=$(readlink -f "${BASH_SOURCE[0]}")
  cat > "$SYSTEMD_DIR/$API_TOKEN_UNIT.service" <<EOF
[Unit]
Description=Issue and publish the k3s-autoscaler API token
After=k3s.service

[Service]
Type=oneshot
ExecStart=/bin/bash $script publish-api-token
EOF
  cat > "$SYSTEMD_DIR/$API_TOKEN_UNIT.timer" <<EOF
[Unit]
Description=Re-issue the k3s-autoscaler API token every ${API_TOKEN_ROTATION_HOURS}h

[Timer]
OnCalendar=*-*-* 00/${API_TOKEN_ROTATION_HOURS}:00:00
Persistent=true

[Install]
WantedBy=timers.target
EOF
  chmod 0644 "$SYSTEMD_DIR/$API_TOKEN_UNIT.service" "$SYSTEMD_DIR/$API_TOKEN_UNIT.timer"
  systemctl daemon-reload
  systemctl enable --now "$API_TOKEN_UNIT.timer"
}

if [ "${1:-}" = publish-api-token ]; then
  read_instance_identity
  retry "$API_READY_SECONDS" api_ready || fail "the API server is not ready (journalctl -u k3s)"
  publish_api_credentials
  # The boot's asset stays in BOOTSTRAP_DIR.
  if [ -f "$BOOTSTRAP_DIR/prometheus/prometheus.yml" ]; then
    apply_prometheus_config keep
  else
    log "no bootstrap asset in $BOOTSTRAP_DIR: headroom rules not refreshed"
  fi
  exit 0
fi

log "master bootstrap: K3s $K3S_VERSION"
read_instance_identity
write_server_config
install_k3s "$K3S_VERSION" server
log "starting k3s"
systemctl start --no-block k3s
retry "$API_READY_SECONDS" api_ready || fail "the API server was not ready within ${API_READY_SECONDS}s (journalctl -u k3s)"
log "API server ready"
# Workers can join from here on; the monitoring stack follows.
publish_join_information
log "join token and master address published to SSM"
fetch_bootstrap_asset
apply_manifests
log "manifests applied"
publish_api_credentials
# After the new token is published: Lambdas holding the old one fail for at most their 5-minute cache.
kube -n "$AUTOSCALER_NAMESPACE" delete secret "$LEGACY_TOKEN_SECRET" --ignore-not-found >/dev/null
install_api_token_timer
log "API token re-issued every ${API_TOKEN_ROTATION_HOURS}h by $API_TOKEN_UNIT.timer: master bootstrap done"
