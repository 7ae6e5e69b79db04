#!/usr/bin/env bash
# The province-scale workload (../shared/workloads/WORKLOAD.md) on SQLite and PostgreSQL:
# generate, bulk-load (timed), serve on 127.0.0.1, run the shared load generator at each concurrency
# level, export one city's ledger, and print ops/s, p50/p95/p99 per operation, errors and peak memory.
#
#   bench/workload.sh [SCALE]            # default 1.0 (50,000 tasks, 1,000,000 reports)
#   DATABASES=sqlite LEVELS=1,16 DURATION=10 WARMUP=2 WORKERS=2 bench/workload.sh 0.1
#   PROFILE=1 bench/workload.sh          # also py-spy one app process during the last level
#
# Everything lives in a fresh temporary directory (removed at the end unless KEEP=1). PostgreSQL is the
# throwaway test server (scripts/test-postgres) with a database of its own, taizhang_bench, recreated
# on each run. Servers listen on 127.0.0.1 only; every level is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

SCALE="${1:-1.0}"
LEVELS="${LEVELS:-1,16,64}"
DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-5}"
WORKERS="${WORKERS:-2}"
DATABASES="${DATABASES:-sqlite postgresql}"
PORT="${PORT:-8765}"
SHARED="${SHARED:-$ROOT/../shared/workloads}"
PY="$ROOT/.venv/bin/python"
TZ_BIN="$ROOT/.venv/bin/taizhang"
# A load test sends more per account than a person does: lift the per-user request limit for it.
export TAIZHANG_RATE_LIMIT_PER_MINUTE=1000000 TAIZHANG_ENVIRONMENT=production
TAIZHANG_SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')"
export TAIZHANG_SECRET_KEY

"$PY" -c 'import aiohttp, psutil' 2>/dev/null || { echo "需要 aiohttp 和 psutil：.venv/bin/pip install -e '.[bench]'" >&2; exit 1; }

WORK="$(mktemp -d /tmp/taizhang-workload.XXXXXX)"
SERVER_PID=""
SAMPLER_PID=""
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] && echo "保留工作目录：$WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

echo "== 生成负载数据（scale $SCALE）→ $WORK/data"
"$PY" "$SHARED/gen_workload.py" --scale "$SCALE" --out "$WORK/data" 2>"$WORK/gen.log"
echo "   $(tail -c 400 "$WORK/gen.log" | tr -d '\n' | cut -c1-300)"

now() { "$PY" -c 'import time; print(f"{time.time():.3f}")'; }

run_database() {
  local db="$1" url db_pid=""
  if [ "$db" = sqlite ]; then
    url="sqlite:///$WORK/taizhang.db"
  else
    local pg
    pg="$(scripts/test-postgres start)"
    local admin="${pg%/*}/postgres"
    local as_pg=()
    [ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)
    "${as_pg[@]}" psql "$admin" -qc "DROP DATABASE IF EXISTS taizhang_bench" >/dev/null
    "${as_pg[@]}" psql "$admin" -qc "CREATE DATABASE taizhang_bench" >/dev/null
    url="${pg%/*}/taizhang_bench"
    db_pid="$(head -1 "${TAIZHANG_PG_DIR:-/tmp/taizhang-pgtest}/data/postmaster.pid")"
  fi
  export TAIZHANG_DATABASE_URL="$url" TAIZHANG_DATA_DIR="$WORK/var-$db"
  "$TZ_BIN" db upgrade >/dev/null

  echo "== [$db] 批量载入"
  local t0 t1
  t0="$(now)"
  "$TZ_BIN" load-workload "$WORK/data" --state "$WORK/state-$db.json" | sed 's/^/   /'
  t1="$(now)"
  echo "$t0 $t1" > "$WORK/load-$db.time"

  echo "== [$db] 启动服务：127.0.0.1:$PORT，$WORKERS 个进程"
  "$TZ_BIN" serve --host 127.0.0.1 --port "$PORT" --workers "$WORKERS" >"$WORK/serve-$db.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/login" && break
    sleep 0.5
  done
  # Peak RSS of each app process separately (loadgen reports the process tree's sum).
  "$PY" - "$SERVER_PID" "$WORK/rss-$db.json" <<'EOF' &
import json, sys, time, psutil
root, out, peak = psutil.Process(int(sys.argv[1])), sys.argv[2], {}
deadline = time.monotonic() + 3600
while time.monotonic() < deadline and root.is_running():
    for p in [root, *root.children(recursive=True)]:
        try:
            peak[p.pid] = max(peak.get(p.pid, 0), p.memory_info().rss)
        except psutil.Error:
            pass
    with open(out, "w") as f:
        json.dump({str(k): round(v / 2**20) for k, v in peak.items()}, f)
    time.sleep(0.5)
EOF
  SAMPLER_PID=$!
  if [ "${PROFILE:-0}" = 1 ]; then
    local child
    child="$(pgrep -P "$SERVER_PID" | tail -1)"
    local levels_n secs
    levels_n="$(echo "$LEVELS" | tr ',' '\n' | wc -l)"
    secs="$(( (levels_n - 1) * (${DURATION%.*} + ${WARMUP%.*}) + ${WARMUP%.*} + 2 ))"
    ( sleep "$secs"; "$ROOT/.venv/bin/py-spy" record -p "$child" -d "${DURATION%.*}" -r 100 -f raw \
        -o "$WORK/profile-$db.txt" >/dev/null 2>&1 ) &
  fi

  echo "== [$db] 负载发生器：并发 $LEVELS，每级预热 ${WARMUP}s、测量 ${DURATION}s"
  "$PY" "$SHARED/loadgen.py" --target bench/loadgen_adapter.py:TaizhangAdapter --data "$WORK/data" \
    --base-url "http://127.0.0.1:$PORT" --state "$WORK/state-$db.json" --levels "$LEVELS" \
    --duration "$DURATION" --warmup "$WARMUP" --app-pid "$SERVER_PID" ${db_pid:+--db-pid "$db_pid"} \
    --export --json "$WORK/out-$db.json" | sed 's/^/   /'

  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  if [ "${PROFILE:-0}" = 1 ] && [ -s "$WORK/profile-$db.txt" ]; then
    echo "== [$db] 采样（py-spy，最后一级，一个进程）：自身时间最多的函数"
    "$PY" - "$WORK/profile-$db.txt" <<'EOF'
import collections, sys
leaf, total = collections.Counter(), 0
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip().rpartition(" ")
    if stack:
        total += int(n)
        leaf[stack.split(";")[-1]] += int(n)
for frame, n in leaf.most_common(15):
    print(f"   {100 * n / total:5.1f}%  {frame[:140]}")
EOF
  fi
}

for db in $DATABASES; do
  run_database "$db"
done

echo
echo "== 汇总（scale $SCALE，$WORKERS 个应用进程，$(nproc) 核；负载发生器与服务在同一台机器上）"
"$PY" - "$WORK" $DATABASES <<'EOF'
import json, sys
from pathlib import Path
work, dbs = Path(sys.argv[1]), sys.argv[2:]
for db in dbs:
    out = json.loads((work / f"out-{db}.json").read_text())
    t0, t1 = map(float, (work / f"load-{db}.time").read_text().split())
    rss = json.loads((work / f"rss-{db}.json").read_text()) if (work / f"rss-{db}.json").exists() else {}
    print(f"\n[{db}] 批量载入 {t1 - t0:.1f} s（含进程启动）")
    print(f"{'并发':>4} {'ops/s':>8} {'错误':>4}  " + "  ".join(f"{op}: p50/p95/p99 ms".ljust(26) for op in "ABCD")
          + "  峰值RSS MiB(进程树)")
    for level in out["levels"]:
        cells = "  ".join(f"{op}: {v['p50_ms']}/{v['p95_ms']}/{v['p99_ms']}".ljust(26)
                          for op, v in level["per_op"].items())
        print(f"{level['concurrency']:>4} {level['ops_per_s']:>8} {level['errors']:>4}  {cells}  {level['peak_rss_mib']}")
        for sample in level["error_samples"]:
            print("     error:", sample)
    if rss:
        print(f"单个进程峰值 RSS（MiB）：{rss}")
    export = out.get("export")
    if export:
        print(f"导出第 {export['city_no']} 市台账（XLSX）：{export['seconds']} s，{export['bytes'] / 2**20:.2f} MiB")
EOF
