#!/bin/sh
# Installs what fangkong needs, when it is missing: Debian packages (as root,
# through apt) and the npm packages in package.json.  Safe to run again; it
# does nothing when everything is present.
#   sh scripts/deps.sh run     what building and running need (`make run`)
#   sh scripts/deps.sh [check] that, plus the test and benchmark tools
#                              (`make check`, `make bench`, `make fuzz`)
set -eu
cd "$(dirname "$0")/.."
MODE=${1:-check}

DEBS="build-essential pkg-config
libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libsodium-dev libcsv-dev libgsl-dev
zlib1g-dev libzip-dev libexpat1-dev libfreexl-dev libxlsxwriter-dev libcairo2-dev libpango1.0-dev fonts-noto-cjk
nodejs npm ca-certificates tzdata"
if [ "$MODE" != run ]; then
	DEBS="$DEBS clang libclang-rt-14-dev libcmocka-dev chromium wrk nginx-light postgresql-15"
fi

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
# Running needs the dependencies (ECharts, the division tables); the tests
# also need the devDependencies (playwright-core).
stamp=node_modules/.fk-stamp
npm_flags="--no-audit --no-fund --loglevel=error"
if [ "$MODE" = run ]; then
	npm_flags="$npm_flags --omit=dev"
else
	stamp=node_modules/.fk-stamp-dev
fi
if [ -L node_modules ]; then
	: # a link to a folder other checkouts share: installing through it would empty it for them
elif [ ! -f $stamp ] || [ package-lock.json -nt $stamp ] || [ package.json -nt $stamp ]; then
	echo "deps: installing npm packages${MODE:+ ($MODE)}"
	if [ -f package-lock.json ]; then
		npm ci $npm_flags
	else
		npm install $npm_flags
	fi
	touch node_modules/.fk-stamp
	[ "$MODE" = run ] || touch node_modules/.fk-stamp-dev
fi
