#!/bin/bash
# Shared head of the master and worker user data. The CDK stack renders a node's user data as this
# file followed by userdata/<role>.sh.tpl with the placeholders replaced (placeholders.json).
# Assumes Amazon Linux 2023: curl, python3, systemd and the AWS CLI v2 are on the AMI, so nothing is
# installed from a package repository at boot (an apt/dnf install of awscli costs minutes).
set -Eeuo pipefail
# Tokens and config files written below are secrets: nobody but root may read them.
umask 077

# cloud-init may run user data without HOME; the AWS CLI looks for its configuration there.
export HOME="${HOME:-/root}"

readonly IMDS=http://169.254.169.254
# The official installer; it verifies the binary's sha256 against the release it downloads.
readonly K3S_INSTALL_SCRIPT_URL=https://get.k3s.io
# A failed call to IMDS, S3 or GitHub is retried with backoff up to this many seconds.
readonly NETWORK_RETRY_SECONDS=120
# Scratch space for downloads and secret values on their way to SSM; removed however the script ends.
WORK_DIR=$(mktemp -d)
readonly WORK_DIR
trap 'rm -rf "$WORK_DIR"' EXIT

# Every line carries the seconds since the kernel started: the console log of a boot is its timeline.
log() {
  local uptime
  uptime=$(cut -d' ' -f1 /proc/uptime)
  # stderr: callers capture stdout of functions that log (VALUE=$(retry ... ssm_get ...)).
  printf '%s [k3s-bootstrap +%ss] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$uptime" "$*" >&2
}

fail() {
  log "FAILED: $*"
  exit 1
}

# An unexpected failure names its line in the console log instead of ending the script silently.
trap 'log "FAILED (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

# retry SECONDS COMMAND...: backoff 1, 2, 4, 8, 15, 15... seconds until COMMAND succeeds or the
# budget is spent.
retry() {
  local budget=$1 delay=1 started=$SECONDS
  shift
  until "$@"; do
    if (( SECONDS - started + delay > budget )); then
      log "gave up after $(( SECONDS - started ))s: $1"
      return 1
    fi
    sleep "$delay"
    delay=$(( delay * 2 > 15 ? 15 : delay * 2 ))
  done
}

# IMDSv2 only: the launch template requires session tokens (HttpTokens=required).
imds_session() {
  IMDS_TOKEN=$(curl -sf --connect-timeout 2 -X PUT "$IMDS/latest/api/token" \
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600')
}

imds() {
  curl -sf --connect-timeout 2 -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" "$IMDS/latest/meta-data/$1"
}

# Reads the instance identity every script needs into globals.
read_instance_identity() {
  retry "$NETWORK_RETRY_SECONDS" imds_session || fail "no IMDSv2 session token"
  INSTANCE_ID=$(imds instance-id)
  AVAILABILITY_ZONE=$(imds placement/availability-zone)
  AWS_REGION=$(imds placement/region)
  PRIVATE_IP=$(imds local-ipv4)
  INSTANCE_TYPE=$(imds instance-type)
  export AWS_REGION AWS_DEFAULT_REGION="$AWS_REGION"
  # The provider ID Cluster Autoscaler and Karpenter use; the autoscaler maps Node <-> instance by it.
  PROVIDER_ID="aws:///$AVAILABILITY_ZONE/$INSTANCE_ID"
  log "instance $INSTANCE_ID ($INSTANCE_TYPE) in $AVAILABILITY_ZONE, private address $PRIVATE_IP"
}

# install_k3s VERSION EXEC: the pinned K3s through the official installer, not started (the caller
# starts it). The ~70 MB download is skipped when the AMI already carries that version.
install_k3s() {
  local version=$1 exec=$2 installer="$WORK_DIR/install-k3s.sh"
  if [ -x /usr/local/bin/k3s ] && /usr/local/bin/k3s --version | grep -qF "$version"; then
    log "k3s $version already on the AMI: skipping the download"
    export INSTALL_K3S_SKIP_DOWNLOAD=true
  fi
  retry "$NETWORK_RETRY_SECONDS" curl -sfL --connect-timeout 5 -o "$installer" "$K3S_INSTALL_SCRIPT_URL" \
    || fail "could not download the K3s installer from $K3S_INSTALL_SCRIPT_URL"
  # SELinux is permissive on Amazon Linux 2023 and the k3s-selinux RPM repository has no AL2023
  # build: skipping the RPM saves a dnf run that would fail.
  INSTALL_K3S_VERSION="$version" INSTALL_K3S_EXEC="$exec" INSTALL_K3S_SKIP_START=true \
    INSTALL_K3S_SKIP_SELINUX_RPM=true INSTALL_K3S_SELINUX_WARN=true sh "$installer" \
    || fail "the K3s installer failed"
}

# ssm_get NAME: prints a parameter's (decrypted) value; fails while it does not exist yet.
ssm_get() {
  aws ssm get-parameter --name "$1" --with-decryption --query Parameter.Value --output text
}

# ssm_put NAME TYPE FILE: the value is read from a file so a secret never appears in a process's
# arguments; --overwrite makes a re-run idempotent.
ssm_put() {
  aws ssm put-parameter --name "$1" --type "$2" --value "file://$3" --overwrite >/dev/null
}
