#!/usr/bin/env bash
# Whole-process benchmarks of the CLI (never part of CI). Needs hyperfine and GNU time
# (Debian: apt-get install hyperfine time) and Node.js for the repository generator.
#
#   bash benchmarks/run.sh            # all
#   bash benchmarks/run.sh inventory  # one (inventory, infra, audit)
#   bash benchmarks/run.sh infra
#
# Targets (2 cores): inventory of the 20,000-file synthetic repository <= 15 s and <= 400 MB;
# inventory of the example <= 1 s; the full infrastructure check of the embedded profile against the
# fake GCP server with 100 ms latency on every response <= 3 s.
set -euo pipefail
cd "$(dirname "$0")/.."
work=benchmarks/.work
mkdir -p "$work"
which=${1:-all}

dotnet build src/Cli -c Release --nologo -v q >/dev/null
cli=(dotnet src/Cli/bin/Release/net8.0/bqx-audit.dll)

peak() { # prints the peak resident set of a command in MB
  /usr/bin/time -v "$@" >/dev/null 2>"$work/time.txt" || true
  awk -F: '/Maximum resident set size/ { printf "%.0f MB\n", $2 / 1024 }' "$work/time.txt"
}

if [ "$which" = all ] || [ "$which" = inventory ]; then
  node benchmarks/generate-repo.mjs "$work/synthetic" 20000
  echo "== inventory of the synthetic repository (20,000 files)"
  hyperfine --warmup 1 --runs 3 --export-markdown "$work/inventory.md" \
    "${cli[*]} scripts $work/synthetic --format json --profile bqx-ml-v3"
  echo "peak memory: $(peak "${cli[@]}" scripts "$work/synthetic" --format json --profile bqx-ml-v3)"
  echo "== inventory of the example"
  hyperfine --warmup 2 --runs 10 "${cli[*]} scripts examples/bqx-ml-v3 --format json"
fi

if [ "$which" = all ] || [ "$which" = infra ]; then
  # The fake GCP server (tests/Unit/FakeGcp, linked into benchmarks/Infra) as its own process on 127.0.0.1:
  # three datasets of 5,817, 54 and 2,210 tables, one bucket, two Cloud Run jobs, 100 ms on every response.
  dotnet build benchmarks/Infra -c Release --nologo -v q >/dev/null
  infra="$work/infra"
  rm -rf "$infra" && mkdir -p "$infra/root"
  dotnet benchmarks/Infra/bin/Release/net10.0/BqxAudit.Benchmarks.Infra.dll --latency-ms 100 --work "$infra" 2>"$infra/serve.log" &
  serve=$!
  trap 'kill "$serve" 2>/dev/null || true' EXIT
  for _ in $(seq 1 150); do [ -f "$infra/ready.env" ] && break; sleep 0.1; done
  ENDPOINT=$(sed -n 's/^ENDPOINT=//p' "$infra/ready.env")
  KEY=$(sed -n 's/^KEY=//p' "$infra/ready.env")
  export BQXAUDIT_GCP_ENDPOINT="$ENDPOINT"
  run=(infra "$infra/root" --profile bqx-ml-v3 --credentials "$KEY")
  echo "== infra: the embedded profile's full infrastructure check, 100 ms latency per response (target <= 3 s)"
  summary=$("${cli[@]}" "${run[@]}" | tail -n 1)
  echo "result: $summary"
  if [ "$summary" != "23 checks: 23 Ready" ]; then
    echo "unexpected result: the benchmark must time a complete, all-Ready check" >&2
    exit 1
  fi
  hyperfine --warmup 1 --runs 10 --export-markdown "$work/infra.md" "${cli[*]} ${run[*]}"
  echo "peak memory: $(peak "${cli[@]}" "${run[@]}")"
  kill "$serve" && wait "$serve" || true
  trap - EXIT
  unset BQXAUDIT_GCP_ENDPOINT
  tail -n 1 "$infra/serve.log"
fi

if [ "$which" = all ] || [ "$which" = audit ]; then
  echo "== the whole offline audit of the example, every report format (target <= 2 s)"
  rm -rf "$work/audit-out"
  hyperfine --warmup 2 --runs 10 -i --prepare "rm -rf $work/audit-out" \
    "${cli[*]} audit examples/bqx-ml-v3 --offline --out $work/audit-out --report md,json,html,sarif,junit --date 2025-12-13"
  echo "== dependency analysis over the synthetic repository (target: adds <= 20 % to the inventory)"
  node benchmarks/generate-repo.mjs "$work/synthetic" 20000
  hyperfine --warmup 1 --runs 3 \
    "${cli[*]} scripts $work/synthetic --format json --profile bqx-ml-v3" \
    "${cli[*]} deps $work/synthetic --format json --profile bqx-ml-v3"
fi
