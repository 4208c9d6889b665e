#!/usr/bin/env bash
# Headless Chromium for the emulator's portal-page tests (b24-emulator/tests/page.rs), from
# Debian's packages when it is missing. Under CI those tests fail without it.
set -euo pipefail
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
fi
chromium --version 2>/dev/null || chromium-browser --version
