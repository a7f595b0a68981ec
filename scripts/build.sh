#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures and builds into ./build (Ninja, ccache, warnings as errors).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROV_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)"
