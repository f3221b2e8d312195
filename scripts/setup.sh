#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine for OaiRouter: installs the system tools the router and its
# tests use (media, speech for test fixtures, SQLite CLI, headless Chromium for UI tests, wrk for
# benchmarks), then restores the solution's NuGet packages. Safe to run again: it installs only
# what is missing and runs `apt-get update` only when something is.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DEBIAN_FRONTEND=noninteractive
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[setup] %s\n' "$*"; }

# Debian package -> the command it provides.
packages=(
  "ffmpeg:ffmpeg"
  "yt-dlp:yt-dlp"
  "espeak-ng:espeak-ng"
  "sox:sox"
  "sqlite3:sqlite3"
  "chromium:chromium"
  "chromium-driver:chromedriver"
  "wrk:wrk"
)

missing=()
for entry in "${packages[@]}"; do
  package="${entry%%:*}"
  command_name="${entry#*:}"
  if command -v "$command_name" >/dev/null 2>&1; then
    log "found $command_name ($(command -v "$command_name"))"
  else
    log "missing $command_name (package $package)"
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
  else
    log "error: not root and sudo is not available; install as root: ${missing[*]}" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    log "error: apt-get not found; install these packages yourself: ${missing[*]}" >&2
    exit 1
  fi
  log "apt-get update"
  "${as_root[@]}" apt-get update </dev/null
  log "apt-get install ${missing[*]}"
  "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
else
  log "all system packages present; skipping apt-get"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  log "error: dotnet not found on PATH; install the .NET 10 SDK first" >&2
  exit 1
fi

log "dotnet restore OaiRouter.sln (SDK $(dotnet --version))"
dotnet restore OaiRouter.sln </dev/null
log "done"
