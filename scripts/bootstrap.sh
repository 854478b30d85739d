#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine that has Node 20 and npm: Debian packages (PC/SC stack, virtual
# readers, compiler, Chromium for UI tests, OpenSC for interoperability tests, curl for the docs'
# examples), pnpm 12.4.2, the workspace dependencies (frozen lockfile) and the build. Idempotent: a
# second run only checks.
# Run as root. Without root it installs nothing system-wide and says what is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PNPM_VERSION=12.4.2
APT_PACKAGES=(pcscd libpcsclite-dev vsmartcard-vpcd gcc g++ make libc6-dev python3 chromium fonts-wqy-microhei opensc curl)

say() { printf '\033[1mbootstrap:\033[0m %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

# Node 20.19+ (vite 8 and pkijs need it); the project pins nothing newer.
command -v node >/dev/null || die "Node.js 20 is required (apt-get install nodejs, or nodesource)."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  die "Node.js >= 20.19 is required, found $(node --version)."

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    die "missing Debian packages: ${missing[*]}. Install them as root: apt-get install -y --no-install-recommends ${missing[*]} (or run this script as root)."
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  if [ "$(id -u)" != 0 ] && [ ! -w "$(npm prefix -g)/lib" ]; then
    die "pnpm $PNPM_VERSION is required: run 'npm i -g pnpm@$PNPM_VERSION' as root (or run this script as root)."
  fi
  say "installing pnpm $PNPM_VERSION"
  npm i -g --silent "pnpm@$PNPM_VERSION" >/dev/null
fi

# pnpm 12 does not pass npm's nodedir to node-gyp; without it native builds download headers.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
say "installing the workspace (frozen lockfile)"
CI=true pnpm install --frozen-lockfile --reporter=silent
say "building"
pnpm --silent build >/dev/null
say "ready: 'pnpm demo' runs the demo, 'pnpm test' runs every test"
