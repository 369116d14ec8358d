#!/bin/sh
# Installs what fangkong needs to build, run and test, when it is missing:
# Debian packages (as root, through apt) and the npm packages in package.json.
# Safe to run again; it does nothing when everything is present.
set -eu
cd "$(dirname "$0")/.."

DEBS="build-essential pkg-config clang libclang-rt-14-dev
libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libcmocka-dev libcsv-dev libgsl-dev
nodejs npm chromium fonts-noto-cjk wrk nginx-light ca-certificates tzdata"

missing=""
for p in $DEBS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# A machine that already has a newer node from elsewhere needs no Debian nodejs/npm.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' ')
fi
missing=$(echo "$missing" | xargs)
if [ -n "$missing" ]; then
	echo "deps: installing Debian packages: $missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: not root; run as root or install: $missing" >&2
		exit 1
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# npm packages, pinned by package-lock.json; reinstalled when the lock changes.
if [ ! -f node_modules/.fk-stamp ] || [ package-lock.json -nt node_modules/.fk-stamp ] ||
   [ package.json -nt node_modules/.fk-stamp ]; then
	echo "deps: installing npm packages"
	if [ -f package-lock.json ]; then
		npm ci --no-audit --no-fund --loglevel=error
	else
		npm install --no-audit --no-fund --loglevel=error
	fi
	touch node_modules/.fk-stamp
fi
