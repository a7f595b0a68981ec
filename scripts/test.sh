#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# README's test command: set up, build, run every test (labels: unit, integration).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --test-dir build --output-on-failure --timeout 300 "$@"
