#!/usr/bin/env bash
# Whole-process benchmarks of the CLI (never part of CI). Needs hyperfine and GNU time
# (Debian: apt-get install hyperfine time) and Node.js for the repository generator.
#
#   bash benchmarks/run.sh            # all
#   bash benchmarks/run.sh inventory  # one
#
# Targets (2 cores): inventory of the 20,000-file synthetic repository <= 15 s and <= 400 MB;
# inventory of the example <= 1 s.
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
