#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine: the package with its
# test extra, Chromium and ChromeDriver for the browser test, and the JS client test's
# node_modules. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver curl >/dev/null
fi

if [ -f tests/clients/js/package-lock.json ]; then
  npm ci --prefix tests/clients/js --no-audit --no-fund --loglevel=error
fi
