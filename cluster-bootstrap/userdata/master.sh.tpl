# shellcheck shell=bash
# Master (K3s server) user data, appended to lib.sh. Safe to run again on the same instance
# (sudo /var/lib/cloud/instance/scripts/part-001): every step checks before it creates, and SSM
# writes overwrite. Boot sequence and timings: docs/bootstrap.md.

readonly K3S_VERSION="__K3S_VERSION__"
readonly JOIN_TOKEN_PARAM="__JOIN_TOKEN_PARAM__"
readonly MASTER_ADDRESS_PARAM="__MASTER_ADDRESS_PARAM__"
readonly API_TOKEN_PARAM="__API_TOKEN_PARAM__"
readonly CA_CERT_PARAM="__CA_CERT_PARAM__"
readonly BOOTSTRAP_ASSET_URL="__BOOTSTRAP_ASSET_URL__"
readonly API_SERVER_SAN="__API_SERVER_SAN__"

# The agent-only join token (it cannot join a server); generated once, kept across re-runs.
readonly AGENT_TOKEN_SECRET=/etc/rancher/k3s/agent-token
# K3s writes the agent token in its secure form (CA hash + secret) here once the server is up.
readonly AGENT_TOKEN_SECURE=/var/lib/rancher/k3s/server/agent-token
readonly BOOTSTRAP_DIR=/opt/k3s-autoscaler/bootstrap
# Must match the token Secret in manifests/autoscaler-rbac.yaml.
readonly AUTOSCALER_NAMESPACE=kube-system
readonly AUTOSCALER_TOKEN_SECRET=k3s-autoscaler-token
# First start of the API server on a t3.medium takes 15-30 s; 5 minutes means it is broken.
readonly API_READY_SECONDS=300
# The token controller fills a new token Secret within a second or two.
readonly TOKEN_READY_SECONDS=60

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

apply_manifests() {
  local checksum
  kube apply -f "$BOOTSTRAP_DIR/manifests/00-namespaces.yaml"
  # The ConfigMap exists before the Prometheus pod, which would otherwise wait out a mount backoff.
  kube -n monitoring create configmap prometheus-config --from-file="$BOOTSTRAP_DIR/prometheus/" \
    --dry-run=client -o yaml | kube apply -f -
  retry "$NETWORK_RETRY_SECONDS" kube apply -f "$BOOTSTRAP_DIR/manifests/" || fail "kubectl apply failed"
  # A changed configuration restarts Prometheus; an unchanged one (a re-run) leaves it alone.
  checksum=$(cat "$BOOTSTRAP_DIR"/prometheus/* | sha256sum | cut -c1-16)
  kube -n monitoring patch deployment prometheus --type merge \
    -p "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"k3s-autoscaler/config-sha256\":\"$checksum\"}}}}}" \
    >/dev/null
}

# secret_field KEY FILE: one decoded field of the autoscaler's token Secret; fails while it is empty.
secret_field() {
  local encoded
  encoded=$(kube -n "$AUTOSCALER_NAMESPACE" get secret "$AUTOSCALER_TOKEN_SECRET" \
    -o "jsonpath={.data.${1//./\\.}}" 2>/dev/null) || return 1
  [ -n "$encoded" ] && printf '%s' "$encoded" | base64 -d > "$2"
}

publish_api_credentials() {
  local token="$WORK_DIR/api-token" ca="$WORK_DIR/ca.crt"
  retry "$TOKEN_READY_SECONDS" secret_field token "$token" \
    || fail "secret $AUTOSCALER_NAMESPACE/$AUTOSCALER_TOKEN_SECRET has no token (is the ServiceAccount in manifests/?)"
  secret_field ca.crt "$ca" || fail "secret $AUTOSCALER_NAMESPACE/$AUTOSCALER_TOKEN_SECRET has no ca.crt"
  retry "$NETWORK_RETRY_SECONDS" ssm_put "$API_TOKEN_PARAM" SecureString "$token" \
    || fail "could not write $API_TOKEN_PARAM"
  # The CA is public; a String parameter lets readers skip KMS decryption.
  retry "$NETWORK_RETRY_SECONDS" ssm_put "$CA_CERT_PARAM" String "$ca" || fail "could not write $CA_CERT_PARAM"
  rm -f "$token" "$ca"
}

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
log "autoscaler API token and cluster CA published to SSM: master bootstrap done"
