#!/usr/bin/env bash
# The native CLI (tools/publish-native.sh: NativeAOT, every assembly kept whole) against the framework-dependent
# one it is compiled from: each case runs both on the same input and passes only when they print the same
# standard output and standard error, exit with the same code and write the same files. A native build
# that lost a member to trimming, or a serializer that needs code generated at run time, shows up here as
# a different answer, not as a crash a user finds.
#
#   bash tests/native/run.sh NATIVE_BINARY JIT_DLL
#
# Needs the fake GCP server (benchmarks/Infra, built here) for the cloud cases. Ends with the line
# "NATIVE <passed> <failed>" (tools/test.sh adds it to the run's count).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
native=$(realpath "$1")
jit=$(realpath "$2")
work=$(mktemp -d)
serve=""
cleanup() { [ -n "$serve" ] && kill "$serve" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
passed=0
failed=0

# same NAME ARGS...: runs each CLI in a new empty folder $work/case (the same path, so the paths they print
# are the same), keeps what it printed and wrote, and compares the two.
same() {
  local name=$1
  shift
  local side
  for side in native jit; do
    rm -rf "${work:?}/case" "${work:?}/$side" && mkdir -p "$work/case/cwd"
    local exe=("$native")
    [ "$side" = jit ] && exe=(dotnet "$jit")
    (cd "$work/case/cwd" && "${exe[@]}" "$@" >"../stdout" 2>"../stderr"; echo $? >"../rc")
    if [ -n "${timed:-}" ]; then # what a clock measured, job ids and "now" differ from run to run: they are masked
      # (in what it printed and in every file it wrote; a manifest's checksums follow the masked text)
      find "$work/case" -type f -exec sed -E -i 's/[0-9]+ ms\b/N ms/g; s/"DurationMs": [0-9]+/"DurationMs": N/g; s/job_[0-9a-f]{32}/job_ID/g; s/as of [0-9T:-]+Z/as of TIME/g; s/^[0-9a-f]{64}  /SHA256  /' {} +
    fi
    mv "$work/case" "$work/$side"
  done
  if diff -r "$work/native" "$work/jit" >"$work/diff.txt"; then
    passed=$((passed + 1))
    echo "  ok   $name (exit $(cat "$work/native/rc"))"
  else
    failed=$((failed + 1))
    echo "  FAIL $name: the native CLI answered differently"
    head -n 20 "$work/diff.txt" | sed 's/^/       /'
  fi
}

root=$PWD
example="$root/examples/bqx-ml-v3"
printf 'naming:\n  tables: &a [ *a ]\n' >"$work/alias.yaml"

same "--version" --version
same "--help" --help
same "scripts (table)" scripts "$example"
same "scripts (json)" scripts "$example" --format json
same "scripts of a folder that is not there" scripts "$work/missing"
same "naming --summary" naming "$example" --summary
same "naming (json)" naming "$example" --format json
same "rename-plan with SQL and CSV files" rename-plan "$example" --sql plan.sql --csv plan.csv
same "deps (json)" deps "$example" --offline --format json
same "blockers (json)" blockers "$example" --offline --format json
same "readiness" readiness "$example" --offline
same "audit, every report format" audit "$example" --offline --out reports --report md,json,html,sarif,junit --date 2025-12-13
same "profile-schema" profile-schema

# A hostile folder, made here: a FIFO, a link to /dev/zero and one out of the root, 10,000 nested brackets,
# a binary file named .py, a name that is not UTF-8, a shell script with an unterminated quote.
hostile="$work/hostile"
mkdir -p "$hostile/pipeline"
mkfifo "$hostile/pipeline/queue.sh"
ln -s /dev/zero "$hostile/pipeline/zero.py"
ln -s /etc "$hostile/pipeline/outside"
python3 -c "print('x = ' + '[' * 10000 + ']' * 10000)" >"$hostile/pipeline/deep.py"
head -c 4096 /dev/urandom >"$hostile/pipeline/blob.py"
printf 'print("latin-1 name")\n' >"$hostile/pipeline/$(printf 'caf\xe9.py')"
printf '#!/bin/bash\necho "unterminated\n' >"$hostile/pipeline/broken.sh"
same "scripts of a hostile folder (json)" scripts "$hostile" --format json
same "audit of a hostile folder" audit "$hostile" --offline --out reports --report md,json,sarif,junit --date 2025-12-13
same "a profile that refers to itself" scripts "$example" --profile "$work/alias.yaml"
same "an unknown option" scripts "$example" --no-such-option

# The cloud cases: the fake GCP server on loopback, no latency.
dotnet build benchmarks/Infra -c Release --nologo -v q >/dev/null || { echo "  FAIL building the fake GCP server"; failed=$((failed + 1)); }
mkdir -p "$work/gcp"
dotnet benchmarks/Infra/bin/Release/net10.0/BqxAudit.Benchmarks.Infra.dll --latency-ms 0 --work "$work/gcp" 2>"$work/gcp/serve.log" &
serve=$!
for _ in $(seq 1 300); do [ -f "$work/gcp/ready.env" ] && break; sleep 0.1; done
if [ -f "$work/gcp/ready.env" ]; then
  BQXAUDIT_GCP_ENDPOINT=$(sed -n 's/^ENDPOINT=//p' "$work/gcp/ready.env")
  export BQXAUDIT_GCP_ENDPOINT
  key=$(sed -n 's/^KEY=//p' "$work/gcp/ready.env")
  mkdir -p "$work/gcp/root"
  timed=1 same "infra against the fake GCP server (json)" infra "$work/gcp/root" --profile bqx-ml-v3 --credentials "$key" --format json
  timed=1 same "blockers with the cloud measured (json)" blockers "$example" --credentials "$key" --format json
  timed=1 same "audit with the cloud measured, JSON and SARIF" audit "$example" --credentials "$key" --out reports --report json,sarif --date 2025-12-13
  same "infra with a key file that is not there" infra "$work/gcp/root" --profile bqx-ml-v3 --credentials "$work/gcp/none.json"
  unset BQXAUDIT_GCP_ENDPOINT
else
  echo "  FAIL the fake GCP server did not start: $(tail -n 3 "$work/gcp/serve.log")"
  failed=$((failed + 1))
fi

echo "NATIVE $passed $failed"
