#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The plugin SDK as a third party meets it: install Lianjian into a temporary
# root, build docs/examples/volunteer-hours out of tree with nothing but
# `pkg-config lianjian-1`, check what the module exports, then run the
# example's own tests (lianjian-testing-1) against the installed binary.
set -eu

: "${LJ_BUILD_DIR:?}" "${LJ_SOURCE_DIR:?}" "${LJ_PREFIX:?}" "${LJ_LIBDIR:?}" "${LJ_BINDIR:?}"
work=$(mktemp -d "${TMPDIR:-/tmp}/lianjian-sdk-XXXXXX")
trap '[ -n "${LJ_KEEP_SDK_WORK:-}" ] || rm -rf "$work"' EXIT
root="$work/root"

echo "# installing into $root"
meson install -C "$LJ_BUILD_DIR" --destdir "$root" --no-rebuild --quiet >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; exit 1; }

libdir="$root$LJ_PREFIX/$LJ_LIBDIR"
# The .pc files say prefix=$LJ_PREFIX; point copies of them at the
# temporary root (a sysroot would also move GLib's paths).
mkdir "$work/pc"
for pc in "$libdir"/pkgconfig/lianjian*.pc; do
  sed "s|^prefix=.*|prefix=$root$LJ_PREFIX|" "$pc" >"$work/pc/$(basename "$pc")"
done
export PKG_CONFIG_PATH="$work/pc"
pkg-config --exists lianjian-1 lianjian-testing-1
echo "# pkg-config lianjian-1: $(pkg-config --cflags --libs lianjian-1)"

echo "# building the example out of tree"
meson setup "$work/build" "$LJ_SOURCE_DIR/docs/examples/volunteer-hours" >"$work/setup.log" 2>&1 ||
  { cat "$work/setup.log"; exit 1; }
ninja -C "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

module="$work/build/volunteer-hours.so"
exports=$(nm -D --defined-only "$module" | awk '$2 == "T" || $2 == "D" || $2 == "B" || $2 == "R" { print $3 }')
if [ "$exports" != "lj_plugin_query" ]; then
  echo "not ok: $module exports more than lj_plugin_query:"; echo "$exports"; exit 1
fi
echo "# the module exports only lj_plugin_query"

echo "# running the example's tests against the installed server"
export LIANJIAN_BINARY="$root$LJ_PREFIX/$LJ_BINDIR/lianjian"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
meson test -C "$work/build" --print-errorlogs
echo "ok"
