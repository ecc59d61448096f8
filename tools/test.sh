#!/usr/bin/env bash
# The test command (README, second command; .ci/run calls it). Restores the packages and the
# local tools (pwsh 7.6.9 from .config/dotnet-tools.json; Pester is a PackageDownload of the
# test project), installs the system packages the tests need when missing (ShellCheck, Chromium,
# GNU time; as root with apt-get — tests that need them fail without them), builds and stages the
# module (with its generated help), runs every xunit test (engine, CLI, fake-GCP, hostile inputs,
# the load context and model conventions), then the Pester suite in pwsh against the staged module:
# cmdlets, help, views, completion, round trips, and the PowerShell parser over every .ps1/.psd1 of
# the repository; then publishes the native CLI (tools/publish-native.sh) and checks that it answers exactly as the
# framework-dependent one on every command (tests/native/run.sh). Benchmarks are not run.
# Ends with one line "N passed, M failed" for the whole run; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
configuration="${CONFIGURATION:-Release}"
results="TestResults"
rm -rf "$results"
mkdir -p "$results"

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

step "system packages the tests need (ShellCheck, Chromium, GNU time, clang and zlib for the native CLI)"
need=()
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v clang >/dev/null 2>&1 || need+=(clang)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -x /usr/bin/time ] || need+=(time)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq "${need[@]}") >/dev/null \
      || echo "WARNING: apt-get could not install ${need[*]}; the tests that need them will fail" >&2
  else
    echo "NOTE: ${need[*]} not installed, and this is not root with apt-get: the tests that need them will fail" >&2
  fi
fi

step "restore (packages, then the local tools: pwsh)"
dotnet restore BqxAudit.slnx --nologo || fail "dotnet restore"
dotnet tool restore || fail "dotnet tool restore"
packages=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: //p')
pester_manifest="${packages%/}/pester/5.7.1/tools/Pester.psd1"
[ -f "$pester_manifest" ] || fail "Pester 5.7.1 was not restored ($pester_manifest)"
step "build (stages out/BqxAudit)"
dotnet build BqxAudit.slnx -c "$configuration" --no-restore --nologo -warnaserror || fail "dotnet build"

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

step "Pester (pwsh $(dotnet tool run pwsh -NoLogo -NoProfile -Command '$PSVersionTable.PSVersion.ToString()'))"
pester_log="$results/pester.log"
dotnet tool run pwsh -NoLogo -NoProfile -NonInteractive -File tools/run-pester.ps1 \
  -PesterManifest "$pester_manifest" -ResultPath "$results/pester.xml" 2>&1 | tee "$pester_log"
line=$(grep '^PESTER ' "$pester_log" | tail -n 1)
if [ -n "$line" ]; then
  set -- $line
  passed=$(( passed + $2 )); failed=$(( failed + $3 )); skipped=$(( skipped + $4 ))
else
  echo "FAILED: the Pester run printed no result line" >&2
  failed=$(( failed + 1 ))
fi

step "native CLI (NativeAOT publish, then the same answers as the framework-dependent CLI)"
native_log="$results/native.log"
if native=$(bash tools/publish-native.sh out/native); then
  bash tests/native/run.sh "$native" "src/Cli/bin/$configuration/net8.0/bqx-audit.dll" 2>&1 | tee "$native_log"
  line=$(grep '^NATIVE ' "$native_log" | tail -n 1)
  if [ -n "$line" ]; then
    set -- $line
    passed=$(( passed + $2 )); failed=$(( failed + $3 ))
  else
    echo "FAILED: the native CLI comparison printed no result line" >&2
    failed=$(( failed + 1 ))
  fi
else
  echo "FAILED: the native CLI did not publish (tools/publish-native.sh)" >&2
  failed=$(( failed + 1 ))
fi

echo
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
