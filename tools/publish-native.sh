#!/usr/bin/env bash
# Publishes the native CLI (NativeAOT, linux-x64) to out/native/bqx-audit: the same commands as
# `dotnet run --project src/Cli`, started without the .NET runtime's load and JIT (src/Cli/bqx-audit.csproj, BqxNative).
# Needs clang and zlib's headers (Debian: apt-get install clang zlib1g-dev); takes several minutes on 2 cores.
#
#   bash tools/publish-native.sh [OUTPUT_FOLDER]   # default out/native
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/native}
command -v clang >/dev/null || { echo "publish-native: clang is needed (apt-get install clang zlib1g-dev)" >&2; exit 1; }
dotnet publish src/Cli -c Release -r linux-x64 -p:BqxNative=true --nologo -v q -o "$out" >&2
rm -f "$out"/*.pdb "$out"/*.dbg "$out"/*.xml
echo "$out/bqx-audit"
