#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails when a tracked C++ file differs from what clang-format (the project's .clang-format) makes of it.
# Fix with: git ls-files '*.cpp' '*.h' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "check-format: clang-format is missing (scripts/deps.sh installs it)" >&2; exit 1; }
files=$(git ls-files '*.cpp' '*.h')
if ! out=$(printf '%s\n' $files | xargs clang-format --dry-run --Werror 2>&1); then
    printf '%s\n' "$out" | grep -E '^[^ ].*: (warning|error):' | cut -d: -f1 | sort -u | sed 's/^/  not formatted: /' >&2
    echo "check-format: run clang-format -i on the files above" >&2
    exit 1
fi
echo "check-format: $(printf '%s\n' $files | wc -l) files formatted"
