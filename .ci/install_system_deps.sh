#!/usr/bin/env bash
# Install the system packages the test suite needs (Debian): headless Chromium and its
# matching chromedriver for the dash_duo browser tests, PostgreSQL for the scenario-store
# tests. Idempotent: installs only what is missing. Must run as root.
set -euo pipefail

PACKAGES=(chromium chromium-driver fonts-noto-cjk postgresql)

if [ "$(id -u)" -ne 0 ]; then
    echo "install_system_deps.sh: must run as root" >&2
    exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install_system_deps.sh: already installed: ${PACKAGES[*]}"
    exit 0
fi

echo "install_system_deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install_system_deps.sh: done"
