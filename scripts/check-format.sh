#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails when a tracked C++ file differs from what clang-format makes of it with the project's
# .clang-format. The style was fixed with Debian 12's clang-format 14; another major version may
# format differently, so this says which one ran. Fix with:
#   git ls-files -z '*.cpp' '*.h' | xargs -0 clang-format -i
set -uo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
    echo "check-format: clang-format is missing (scripts/deps.sh installs it)" >&2
    exit 1
fi
count=$(git ls-files -z '*.cpp' '*.h' | tr -cd '\0' | wc -c)
if ! out=$(git ls-files -z '*.cpp' '*.h' | xargs -0 clang-format --dry-run --Werror 2>&1); then
    bad=$(printf '%s\n' "$out" | grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error):' | cut -d: -f1 | sort -u)
    if [ -n "$bad" ]; then
        printf '  not formatted: %s\n' $bad >&2
        echo "check-format: run clang-format -i on the files above ($(clang-format --version))" >&2
    else
        printf '%s\n' "$out" >&2
        echo "check-format: clang-format failed" >&2
    fi
    exit 1
fi
echo "check-format: $count files formatted ($(clang-format --version | grep -oE 'version [0-9.]+'))"
