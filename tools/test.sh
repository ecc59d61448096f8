#!/usr/bin/env bash
# The test command (README, second command; .ci/run calls it). Restores, builds and stages the
# module, installs the PowerShell syntax checker, runs every xunit test (engine, CLI, cmdlet
# metadata, PowerShell syntax, fake-GCP), then Pester where pwsh exists. Benchmarks are not run.
# Ends with one line "N passed, M failed" for the whole run; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
configuration="${CONFIGURATION:-Release}"
results="TestResults"
rm -rf "$results"
mkdir -p "$results"

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

step "restore"
dotnet restore BqxAudit.slnx --nologo || fail "dotnet restore"
step "build (stages out/BqxAudit)"
dotnet build BqxAudit.slnx -c "$configuration" --no-restore --nologo -warnaserror || fail "dotnet build"
step "PowerShell syntax checker (tree-sitter, WASM)"
if [ -f tools/package.json ]; then
  (cd tools && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || fail "npm ci in tools/"
fi

step "xunit"
dotnet test tests/Unit -c "$configuration" --no-build --nologo \
  --logger "trx;LogFileName=unit.trx" --logger "console;verbosity=minimal" --results-directory "$results"
unit_rc=$?
trx="$results/unit.trx"
[ -f "$trx" ] || fail "xunit wrote no results ($trx)"
counter() { grep -o "<Counters [^>]*" "$trx" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
passed=$(counter passed)
failed=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))
skipped=$(( $(counter notExecuted) ))
if [ "$unit_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

if command -v pwsh >/dev/null 2>&1; then
  step "Pester (pwsh found)"
  pester_out=$(pwsh -NoProfile -NonInteractive -Command '
    $ErrorActionPreference = "Stop"
    Import-Module Pester -MinimumVersion 5.0
    $r = Invoke-Pester -Path ./tests/Pester -PassThru -Output Detailed
    "PESTER {0} {1}" -f $r.PassedCount, ($r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount)' 2>&1)
  printf '%s\n' "$pester_out"
  line=$(printf '%s\n' "$pester_out" | grep '^PESTER ' | tail -n 1)
  if [ -n "$line" ]; then
    set -- $line
    passed=$(( passed + $2 )); failed=$(( failed + $3 ))
  else
    failed=$(( failed + 1 ))
  fi
else
  step "Pester skipped: pwsh is not on PATH (the xunit mirrors above ran instead)"
fi

echo
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
