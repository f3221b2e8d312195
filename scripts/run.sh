#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh) and runs the router in Release.
# It listens on ASPNETCORE_URLS, which defaults to http://127.0.0.1:8000 inside the app.
# Extra arguments are passed on to the router.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

# --no-launch-profile: a launchSettings.json applicationUrl would otherwise override the app's
# own default address and any ASPNETCORE_URLS the caller set.
exec dotnet run -c Release --no-launch-profile --project src/Router.Host -- "$@"
