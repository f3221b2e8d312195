#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh) and runs every test in the solution in Release.
# A test that hangs for 5 minutes aborts the run with a hang dump instead of stalling CI.
# Extra arguments are passed on to `dotnet test` (for example --filter ...).
# Exit code: dotnet test's own.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

exec dotnet test OaiRouter.sln -c Release \
  --logger "console;verbosity=normal" \
  --blame-hang-timeout 5m \
  "$@" </dev/null
