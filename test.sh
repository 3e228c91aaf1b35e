#!/usr/bin/env bash
# Runs every test of the project: ./test.sh [extra Maven arguments]
#
# The tests need more than a JDK and Maven: redis-server (the cluster tests start their own),
# Chromium, Node.js and npm (the browser test), unshare and ip (the browser runs in a network
# namespace with only loopback). On Debian 12 or Ubuntu 24.04 as root, this script installs what
# is missing from the distribution's own packages; without root it says, before any build, which
# piece is missing and how to get it. Then it installs the browser driver's npm packages (exactly
# package-lock.json's) and runs `mvn -B verify`. .ci/run calls this script.
set -euo pipefail
cd "$(dirname "$0")"

BROWSER_DIR=signaling-examples/src/test/browser
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
NODE_MIN=18 # playwright-core 1.61.1 (package-lock.json) runs on Node.js 18, the distributions' own

missing=()   # "package: why", for the message
packages=()  # what apt-get would install
need() { missing+=("$1: $2"); packages+=("$1"); }

java_major() { javac -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p'; }
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

check() {
  missing=()
  packages=()
  if ! command -v javac >/dev/null 2>&1 || (($(java_major) < 17)); then
    need openjdk-17-jdk-headless "JDK 17 or newer (javac)"
  fi
  command -v mvn >/dev/null 2>&1 || need maven "Maven, the build"
  command -v redis-server >/dev/null 2>&1 || need redis-server "Redis, for the cluster tests (they start their own)"
  if [ ! -x "$CHROMIUM" ]; then
    if grep -qs '^ID=ubuntu' /etc/os-release; then
      # Ubuntu packages Chromium only as a snap, which apt-get cannot install in a container.
      missing+=("chromium: Chromium at $CHROMIUM, for the browser test; on Ubuntu: snap install chromium, then CHROMIUM=/snap/bin/chromium ./test.sh")
    else
      need chromium "Chromium at $CHROMIUM (or set CHROMIUM=/path/to/chromium), for the browser test"
    fi
  fi
  command -v unshare >/dev/null 2>&1 || need util-linux "unshare, to give the browser a loopback-only network"
  command -v ip >/dev/null 2>&1 || need iproute2 "ip, to bring up loopback in that network"
  if ! command -v node >/dev/null 2>&1 || (($(node_major) < NODE_MIN)); then
    need nodejs "Node.js $NODE_MIN or newer, which drives the browser"
  fi
  command -v npm >/dev/null 2>&1 || need npm "npm, to install the browser driver (playwright-core, no browser download)"
}

check
if ((${#packages[@]})); then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${packages[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
    check
  fi
fi
if ((${#missing[@]})); then
  echo "test.sh: the tests need what this machine lacks:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  if ((${#packages[@]})); then
    echo "Install it (Debian 12, Ubuntu 24.04), or run this script as root, which does:" >&2
    echo "  sudo apt-get install -y ${packages[*]}" >&2
  fi
  exit 1
fi

# Exactly the versions of package-lock.json, unless they are installed already.
wanted="$(sed -n '/"node_modules\/playwright-core"/,/version/s/.*"version": "\(.*\)".*/\1/p' "$BROWSER_DIR/package-lock.json")"
installed="$(sed -n 's/^  "version": "\(.*\)".*/\1/p' "$BROWSER_DIR/node_modules/playwright-core/package.json" 2>/dev/null || true)"
if [ "$wanted" != "$installed" ]; then
  (cd "$BROWSER_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

exec mvn -B verify "$@"
