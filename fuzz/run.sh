#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 60), one after another, one job each:
#   fuzz/run.sh 600
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Seeds are made
# fresh by the app itself (a demo package, a roster and the shipped checklists); crashes land
# in fuzz/artifacts/TARGET/ — commit each as a regression test. ZOUFANG=target/release/zoufang
# makes the seeds with an app already built instead of building one.
set -euo pipefail
seconds="${1:-60}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
corpus="$here/corpus"
mkdir -p "$corpus/roster" "$corpus/template" "$corpus/package"

# Seeds: the shipped checklists, a CSV roster and a real package made by the app.
cp "$root"/assets/checklists/*.toml "$corpus/template/" 2>/dev/null || true
printf '行政村,户编号,姓名,证件号码,与户主关系\n杨家沟村,A1,张三,11010519491231002X,户主\n' > "$corpus/roster/seed.csv"
if [ ! -s "$corpus/package/seed.zfp" ]; then
    tmp="$(mktemp -d)"
    app() { if [ -n "${ZOUFANG:-}" ]; then "$ZOUFANG" "$@"; else cargo run -q -- "$@"; fi; }
    (cd "$root" && app --db "$tmp/seed.db" demo --households 3 --months 1 >/dev/null \
        && app --db "$tmp/seed.db" pack --out "$corpus/package/seed.zfp" >/dev/null \
        && app --db "$tmp/seed.db" export-ledger --out "$corpus/roster/seed.xlsx" >/dev/null) || true
    rm -rf "$tmp"
fi

cd "$here/.."
for target in roster template package; do
    echo "== $target: ${seconds}s"
    # No sanitizer: builds and runs several times faster; Rust is memory-safe, and what we
    # hunt is panics, aborts, huge allocations (-rss_limit_mb) and hangs (-timeout).
    # The fuzz build keeps its own target folder (fuzz/target): other flags than the app's.
    env -u CARGO_TARGET_DIR cargo +nightly fuzz run --sanitizer none "$target" "$corpus/$target" -- \
        -max_total_time="$seconds" -jobs=1 -workers=1 -rss_limit_mb=4096 -timeout=20 -max_len=262144
done
