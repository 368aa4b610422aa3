#!/bin/sh
# The crash-safety harness of tests/cli/crash.rs run longer: N kills (default 1000) of a
# process saving visits, each followed by integrity and acknowledged-visit checks.
#   scripts/kill-test.sh 1000        (ZOUFANG_SEED=… to repeat a run)
set -eu
cd "$(dirname "$0")/.."
ZOUFANG_KILLS="${1:-1000}" exec cargo test --test cli crash::killed -- --nocapture
