#!/bin/sh
# bench/pages.sh - page loads on a throttled phone (bench/pages.mjs): the
# grid worker's first household card for a grid of PAGES_HOUSEHOLDS
# (default 1,000) households, the command view's first meaningful render,
# and the bytes each first load transfers.  Chromium with the CPU slowed 4x
# and a 1.6 Mbit/s, 150 ms link (DevTools protocol).  Targets: first card
# <= 2 s, command view <= 2 s.  Prints a Markdown table for
# docs/BENCHMARKS.md, with the machine's load.
set -eu
cd "$(dirname "$0")/.."
export FK_BIN=${FK_BIN:-$PWD/build/release/fangkong}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
node bench/pages.mjs
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
