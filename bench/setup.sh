#!/usr/bin/env bash
# Installs the peer SDKs the benchmark compares against into bench/.venv.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check fast-bitrix24 b24pysdk
