#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The province-scale benchmark (issue 10, docs/performance.md): one command.
#
#   tests/bench/run.sh [--scale F] [--duration S] [--repeats N] [--warmup S]
#                      [--no-doc] [--only NAME,NAME…] [--regen] [--generate-only]
#
# 1. builds an optimised binary (meson buildtype=release) in build-bench/,
#    with every first-party plugin that builds (plugins that do not compile
#    yet are skipped and reported);
# 2. compiles the generator (tests/bench/lj-bench-gen*.c: the core data and
#    a file per plugin, sharing lj-bench-gen.h) against the library's static
#    twin (liblianjian-internal.a) and generates the dataset, or reuses it: the
#    generator loads the plugins that built (their migrations run before any
#    row is written) and fills their tables too; the cache is keyed by scale,
#    seed and a hash of the core and plugin migrations, the plugins that
#    built and the generator's data version, so a schema change regenerates;
# 3. copies the pristine dataset (the benchmark writes), starts
#    `lianjian serve` on a loopback port with LIANJIAN_PLUGIN_PATH, and runs
#    tests/bench/bench.py: wrk (2 threads, 32 connections, warm-up, repeats,
#    medians), peak RSS, cold start; prints one table and writes it into
#    docs/performance.md (the province section at scale 1, the small-scale
#    section otherwise; --no-doc to skip).
#
# Environment: LJ_BENCH_DATA (dataset cache, default build-bench/bench-data),
# LJ_BENCH_PORT (default: a free port), LJ_BENCH_SYNC (full|normal, default
# full), LJ_BENCH_LOGIN_CONNS (default 4: logins are Argon2id on a small
# pool, 32 connections would only queue and time out).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build="$src/build-bench"
scale=1
seed=20261125
duration=10
repeats=3
warmup=2
write_doc=1
only=""
regen=0
generate_only=0

while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --no-doc) write_doc=0; shift ;;
    --only) only=$2; shift 2 ;;
    --regen) regen=1; shift ;;
    --generate-only) generate_only=1; shift ;;
    -h|--help) sed -n "3,28p" "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

for tool in meson ninja wrk curl python3 pkg-config cc; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required (apt install $tool)" >&2; exit 2; }
done

# ---- 1. build -------------------------------------------------------------
echo "== build (release) in $build" >&2
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$src" --buildtype=release -Dtests=false >/dev/null
fi
ninja -C "$build" core/lianjian core/liblianjian-internal.a >/dev/null
plugin_path=""
plugins_built=""
plugins_failed=""
# The target list read once: `ninja -t targets | grep -q` under pipefail
# fails when grep's early exit kills ninja (SIGPIPE), skipping a plugin.
targets=$(ninja -C "$build" -t targets all 2>/dev/null || true)
for dir in "$src"/plugins/*/; do
  name=$(basename "$dir")
  [ -f "$dir/meson.build" ] || continue
  target="plugins/$name/$name.so"
  if grep -q "^$target:" <<<"$targets"; then
    if ninja -C "$build" "$target" >"$build/plugin-$name.log" 2>&1; then
      plugin_path="${plugin_path:+$plugin_path:}$build/plugins/$name"
      plugins_built="$plugins_built $name"
    else
      plugins_failed="$plugins_failed $name"
    fi
  fi
done
echo "   plugins built:${plugins_built:- none}${plugins_failed:+; failed to build (skipped):$plugins_failed}" >&2

gen="$build/lj-bench-gen"
gen_sources=("$here"/lj-bench-gen*.c)
gen_stale=0
[ -x "$gen" ] || gen_stale=1
for f in "${gen_sources[@]}" "$here"/lj-bench-gen*.h "$build/core/liblianjian-internal.a"; do
  if [ "$f" -nt "$gen" ]; then gen_stale=1; fi
done
if [ "$gen_stale" = 1 ]; then
  # shellcheck disable=SC2046
  cc -std=gnu11 -O2 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
     -DLIANJIAN_COMPILATION -DG_LOG_DOMAIN='"lj-bench-gen"' \
     -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 \
     -I"$src/core" -I"$build/core" \
     $(pkg-config --cflags glib-2.0 gio-2.0 json-glib-1.0 libsoup-3.0 sqlite3 libsodium) \
     "${gen_sources[@]}" -o "$gen" "$build/core/liblianjian-internal.a" \
     $(pkg-config --libs glib-2.0 gio-2.0 gmodule-2.0 json-glib-1.0 libsoup-3.0 sqlite3 libsodium) -lm
fi

# ---- 2. dataset ------------------------------------------------------------
data="${LJ_BENCH_DATA:-$build/bench-data}"
mkdir -p "$data"
# The key: the core and plugin migrations, which plugins built (a plugin that
# builds again must get its tables and rows) and the generator's data
# version (bump LJ_BENCH_GEN_VERSION in lj-bench-gen.h when the rows any of
# the generator's files writes change).
schema_hash=$( (cat "$src"/schemas/core/migrations/*.sql "$src"/schemas/plugins/*/*.sql; echo "plugins:$plugins_built"
                grep -h -m1 'define LJ_BENCH_GEN_VERSION' "${gen_sources[@]}" "$here"/lj-bench-gen*.h) \
              | sha256sum | cut -c1-12)
key="s${scale}-seed${seed}-${schema_hash}"
pristine="$data/$key.db"
envfile="$data/$key.env"
if [ "$regen" = 1 ]; then rm -f "$pristine" "$pristine-wal" "$pristine-shm" "$envfile"; fi
if [ -f "$pristine" ] && [ -f "$envfile" ]; then
  echo "== dataset: reusing $pristine" >&2
  gen_seconds="reused"
else
  rm -f "$data"/s"${scale}"-seed"${seed}"-*.db* "$data"/s"${scale}"-seed"${seed}"-*.env
  echo "== dataset: generating scale $scale (seed $seed) into $pristine" >&2
  "$gen" --db "$pristine.tmp" --scale "$scale" --seed "$seed" --plugin-path "$plugin_path" --env "$envfile.tmp" \
    || { rm -f "$pristine.tmp"* "$envfile.tmp"; exit 1; }
  mv "$pristine.tmp" "$pristine"
  mv "$envfile.tmp" "$envfile"
  gen_seconds="fresh"
fi

[ "$generate_only" = 1 ] && { echo "$pristine"; exit 0; }

work="$data/work"
rm -rf "$work"
mkdir -p "$work"
cp --reflink=auto "$pristine" "$work/lianjian.db"

# ---- 3. measure -------------------------------------------------------------
export LJB_SRC="$src" LJB_BUILD="$build" LJB_DB="$work/lianjian.db" LJB_WORK="$work"
export LJB_ENVFILE="$envfile" LJB_SCALE="$scale" LJB_SEED="$seed" LJB_DATASET="$pristine"
export LJB_DURATION="$duration" LJB_REPEATS="$repeats" LJB_WARMUP="$warmup"
export LJB_WRITE_DOC="$write_doc" LJB_ONLY="$only" LJB_GEN_STATE="$gen_seconds"
export LJB_PLUGIN_PATH="$plugin_path" LJB_PLUGINS_FAILED="${plugins_failed# }"
exec python3 "$here/bench.py"
