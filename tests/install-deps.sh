#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine: a virtual environment at
# .venv (reused when it is there) holding the package, editable, with every extra (test,
# clients, browser, lint); Chromium and ChromeDriver for the browser test; and the JS client
# test's node_modules. Safe to run again: it skips what is already there.
#
# A virtual environment, because Debian's own python3 refuses `pip install` outside one
# (PEP 668, "externally-managed-environment"). PYTHON picks the interpreter that creates it
# (default: python3 on PATH). The README's test command then runs .venv/bin/python.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
if [ ! -x "$venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test,clients,browser,lint]'

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver curl >/dev/null
fi

if [ -f tests/clients/js/package-lock.json ]; then
  npm ci --prefix tests/clients/js --no-audit --no-fund --loglevel=error
fi
