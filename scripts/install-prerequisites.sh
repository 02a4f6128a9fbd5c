#!/usr/bin/env bash
# Installs the outside programs the tests run for real: Debian's prometheus/promtool (PromQL is
# evaluated by the real engine), prometheus-alertmanager/amtool (the fast path's Alertmanager
# configuration, and the server it runs), shellcheck (cluster-bootstrap scripts), chromium (the
# simulator's HTML report is opened in headless Chromium) and kubernetes-client/kubectl (tests read
# the fake K3s API with kubectl describe and get, as an operator would). Safe to run again:
# it installs only what is missing, and says exactly what to install when it cannot.
set -euo pipefail

missing_packages=()
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || missing_packages+=(prometheus)
# Debian names the server prometheus-alertmanager; upstream and Homebrew call it alertmanager.
command -v amtool >/dev/null 2>&1 && { command -v alertmanager >/dev/null 2>&1 \
  || command -v prometheus-alertmanager >/dev/null 2>&1; } || missing_packages+=(prometheus-alertmanager)
command -v shellcheck >/dev/null 2>&1 || missing_packages+=(shellcheck)
command -v chromium >/dev/null 2>&1 || missing_packages+=(chromium)
# Any kubectl on PATH will do; Debian names its package kubernetes-client.
command -v kubectl >/dev/null 2>&1 || missing_packages+=(kubernetes-client)

if [ ${#missing_packages[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then
      if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
        echo "Need root to install: ${missing_packages[*]} (apt-get install ${missing_packages[*]})" >&2
        exit 1
      fi
    fi
    echo "Installing ${missing_packages[*]} from Debian's packages ..."
    # The prometheus packages would start servers on :9090 and :9093 where an init system runs; tests start their own.
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 \
      apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null
  else
    echo "Please install: ${missing_packages[*]} (e.g. brew install prometheus alertmanager shellcheck kubectl; brew install --cask chromium)" >&2
    exit 1
  fi
fi

# npm tools used by the build (pinned in package-lock.json files).
for dir in workflow/tools; do
  if [ -f "$dir/package-lock.json" ] && [ ! -d "$dir/node_modules" ]; then
    command -v npm >/dev/null 2>&1 || { echo "npm is required for $dir (install Node.js 20+)" >&2; exit 1; }
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
