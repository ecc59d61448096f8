#!/usr/bin/env bash
# Whole-process benchmarks of the CLI (never part of CI). Needs hyperfine and GNU time
# (Debian: apt-get install hyperfine time), python3 for the repository generator and the tables,
# and cloc for the side-by-side comparison.
#
#   bash benchmarks/run.sh            # all
#   bash benchmarks/run.sh inventory  # one (inventory, infra, audit)
#   bash benchmarks/run.sh infra
#   bash benchmarks/run.sh DIR [DIR...]  # side by side on any folders: scripts vs cloc --quiet, and the whole audit
#   BQX_BENCH_CLI=dotnet bash benchmarks/run.sh ...  # the framework-dependent CLI instead of the native one
#   BQX_BENCH_CLI=out/native/bqx-audit bash benchmarks/run.sh ...  # a native CLI already published
#
# Targets (2 cores): inventory of the 20,000-file synthetic repository <= 15 s and <= 400 MB;
# inventory of the example <= 1 s; the full infrastructure check of the embedded profile against the
# fake GCP server with 100 ms latency on every response <= 3 s.
set -euo pipefail
cd "$(dirname "$0")/.."
work=benchmarks/.work
mkdir -p "$work"
which=${1:-all}
if [ -d "$which" ]; then which=compare; fi

# The CLI measured: the native one (tools/publish-native.sh, NativeAOT; needs clang) unless BQX_BENCH_CLI=dotnet, which
# measures the framework-dependent Release build (dotnet bqx-audit.dll). The side-by-side table has a row of each.
dotnet build src/Cli -c Release --nologo -v q >/dev/null
dotnet_cli=(dotnet src/Cli/bin/Release/net8.0/bqx-audit.dll)
if [ "${BQX_BENCH_CLI:-native}" = dotnet ]; then
  cli=("${dotnet_cli[@]}")
elif [ -x "${BQX_BENCH_CLI:-}" ] && [ -f "$BQX_BENCH_CLI" ]; then
  cli=("$(realpath "$BQX_BENCH_CLI")") # a native CLI published before (the publish takes minutes)
else
  cli=("$(bash tools/publish-native.sh "$work/native")")
fi
echo "CLI measured: ${cli[*]}"

peak() { # prints the peak resident set of a command in MB
  /usr/bin/time -v "$@" >/dev/null 2>"$work/time.txt" || true
  awk -F: '/Maximum resident set size/ { printf "%.0f MB\n", $2 / 1024 }' "$work/time.txt"
}

if [ "$which" = all ] || [ "$which" = inventory ]; then
  python3 benchmarks/generate-repo.py "$work/synthetic" 20000
  # The target is for our own work, ShellCheck off (BQXAUDIT_SHELLCHECK=off); the second row is what a user with
  # ShellCheck on PATH waits for (its cache warmed by the first run).
  echo "== inventory of the synthetic repository (20,000 files)"
  hyperfine --warmup 1 --runs 3 --export-markdown "$work/inventory.md" \
    -n "scripts, ShellCheck off (target)" "env BQXAUDIT_SHELLCHECK=off ${cli[*]} scripts $work/synthetic --format json --profile bqx-ml-v3" \
    -n "scripts, ShellCheck on" "${cli[*]} scripts $work/synthetic --format json --profile bqx-ml-v3"
  echo "peak memory, ShellCheck off: $(peak env BQXAUDIT_SHELLCHECK=off "${cli[@]}" scripts "$work/synthetic" --format json --profile bqx-ml-v3)"
  echo "== inventory of the example"
  hyperfine --warmup 2 --runs 10 "${cli[*]} scripts examples/bqx-ml-v3 --format json"
fi

if [ "$which" = all ] || [ "$which" = infra ]; then
  # The fake GCP server (tests/Unit/FakeGcp, linked into benchmarks/Infra) as its own process on 127.0.0.1:
  # three datasets of 5,817, 54 and 2,210 tables, one bucket, two Cloud Run jobs, 100 ms on every response.
  dotnet build benchmarks/Infra -c Release --nologo -v q >/dev/null
  for fault in "" --throttle-once; do
    if [ -n "$fault" ]; then target=2; else target=3; fi
    infra="$work/infra"
    rm -rf "$infra" && mkdir -p "$infra/root"
    # shellcheck disable=SC2086 # $fault is empty or one flag
    dotnet benchmarks/Infra/bin/Release/net10.0/BqxAudit.Benchmarks.Infra.dll --latency-ms 100 --work "$infra" $fault 2>"$infra/serve.log" &
    serve=$!
    trap 'kill "$serve" 2>/dev/null || true' EXIT
    for _ in $(seq 1 150); do [ -f "$infra/ready.env" ] && break; sleep 0.1; done
    ENDPOINT=$(sed -n 's/^ENDPOINT=//p' "$infra/ready.env")
    KEY=$(sed -n 's/^KEY=//p' "$infra/ready.env")
    export BQXAUDIT_GCP_ENDPOINT="$ENDPOINT"
    run=(infra "$infra/root" --profile bqx-ml-v3 --credentials "$KEY")
    echo "== infra: the embedded profile's full infrastructure check, 100 ms latency per response${fault:+, one 429 (Retry-After 1) per run} (target <= $target s)"
    summary=$("${cli[@]}" "${run[@]}" 2>/dev/null | tail -n 1)
    echo "result: $summary"
    if [ "$summary" != "23 checks: 23 Ready" ]; then
      echo "unexpected result: the benchmark must time a complete, all-Ready check" >&2
      exit 1
    fi
    hyperfine --warmup 1 --runs 10 --export-markdown "$work/infra${fault:+-throttled}.md" "${cli[*]} ${run[*]}"
    echo "peak memory: $(peak "${cli[@]}" "${run[@]}")"
    kill "$serve" 2>/dev/null || true
    wait "$serve" 2>/dev/null || true
    trap - EXIT
    unset BQXAUDIT_GCP_ENDPOINT
    tail -n 1 "$infra/serve.log"
  done
fi

if [ "$which" = all ] || [ "$which" = audit ]; then
  echo "== the whole offline audit of the example, every report format (target <= 2 s)"
  rm -rf "$work/audit-out"
  hyperfine --warmup 2 --runs 10 -i --prepare "rm -rf $work/audit-out" \
    "${cli[*]} audit examples/bqx-ml-v3 --offline --out $work/audit-out --report md,json,html,sarif,junit --date 2025-12-13"
  echo "== dependency analysis over the synthetic repository (target: adds <= 20 % to the inventory)"
  python3 benchmarks/generate-repo.py "$work/synthetic" 20000
  hyperfine --warmup 1 --runs 3 \
    "${cli[*]} scripts $work/synthetic --format json --profile bqx-ml-v3" \
    "${cli[*]} deps $work/synthetic --format json --profile bqx-ml-v3"
fi

if [ "$which" = compare ]; then
  # One hyperfine run per folder times our inventory (ShellCheck cache cold, then warm) and cloc on the same tree,
  # in the same run so the load is shared; then the whole offline audit. Median of 5 each; -i: the audit of a
  # repository with blockers exits non-zero by design.
  command -v cloc >/dev/null || { echo "cloc is needed (apt-get install cloc)" >&2; exit 1; }
  cache="$PWD/$work/compare-cache" # absolute: a relative XDG_CACHE_HOME is ignored (the XDG rule)
  rows="$work/compare.tsv"
  : >"$rows"
  for dir in "$@"; do
    [ -d "$dir" ] || { echo "not a folder: $dir" >&2; exit 1; }
    out="$work/compare-audit"
    rm -rf "$cache" "$out"
    hyperfine -N -i --warmup 1 --runs 5 --export-json "$work/compare.json" \
      --prepare "rm -rf $cache" -n "scripts (ShellCheck cache cold)" "env XDG_CACHE_HOME=$cache ${cli[*]} scripts $dir" \
      --prepare "true" -n "scripts (ShellCheck cache warm)" "env XDG_CACHE_HOME=$cache ${cli[*]} scripts $dir" \
      --prepare "true" -n "cloc --quiet" "cloc --quiet $dir" \
      --prepare "rm -rf $out" -n "audit --offline (cache warm)" "env XDG_CACHE_HOME=$cache ${cli[*]} audit $dir --offline --out $out" \
      --prepare "true" -n "dotnet bqx-audit.dll scripts (cache warm)" "env XDG_CACHE_HOME=$cache ${dotnet_cli[*]} scripts $dir" \
      --prepare "rm -rf $out" -n "dotnet bqx-audit.dll audit --offline (cache warm)" "env XDG_CACHE_HOME=$cache ${dotnet_cli[*]} audit $dir --offline --out $out" \
      >/dev/null
    rm -rf "$out"
    mem=$(peak env XDG_CACHE_HOME="$cache" "${cli[@]}" audit "$dir" --offline --out "$out")
    python3 - "$work/compare.json" "$dir" "$mem" >>"$rows" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in results.items():
    print("\t".join([sys.argv[2], name, f'{r["median"]:.2f}', f'{r["user"] + r["system"]:.2f}', sys.argv[3] if name.startswith("audit") else ""]))  # the peak is the measured CLI's audit
PY
  done
  python3 - "$rows" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
print("| folder | command | median wall (s) | CPU (s) | vs cloc (same run) | peak memory |")
print("|---|---|---|---|---|---|")
for folder in dict.fromkeys(r[0] for r in rows):
    mine = [r for r in rows if r[0] == folder]
    cloc = next(float(r[2]) for r in mine if r[1] == "cloc --quiet")
    for _, name, wall, cpu, mem in mine:
        ratio = "" if name == "cloc --quiet" or "audit" in name else f"{float(wall) / cloc:.2f} (1/{cloc / float(wall):.1f})"
        print(f"| {folder} | `{name}` | {wall} | {cpu} | {ratio} | {mem} |")
PY
fi
