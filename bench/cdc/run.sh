#!/usr/bin/env bash
# Change-data-capture throughput of the postgres_cdc input against PostgreSQL's own COPY:
#   1. COPY (SELECT * FROM t) TO STDOUT of an N-row table through psql to /dev/null: the ceiling;
#      and the same piped into COPY FROM of an empty copy of the table: PostgreSQL's own bulk
#      load, about the most a store that keeps each row as a row of its own can take;
#   2. erphub's initial snapshot of the same table: from `erphub run` until all N rows are read
#      and staged in its store (erphub_cdc_snapshot_rows_total), and until all are messages
#      (erphub_cdc_snapshot_messages_total);
#   3. streaming: N/4 rows inserted (transactions of 10,000) until all are committed.
# Prints rows/s for each and the ratios to COPY (goal for the snapshot: at least 50%).
#   bench/cdc/run.sh [BUILD_DIR]     (default build/release; `make bench` builds it)
# Environment: N (default 1000000), BATCH (the input's batch, default 5000).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(cd "${1:-build/release}" && pwd)
rows=${N:-1000000}
batch=${BATCH:-5000}
stream_rows=$((rows / 4))

for tool in curl psql; do
  command -v "$tool" >/dev/null || { echo "bench/cdc: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done

script_name=bench/cdc
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

pg_dir="$work/postgres"
eval "$(POSTGRES_PORT=$(free_port) scripts/postgres.sh start "$pg_dir" 2>/dev/null | sed 's/^/export /')"
at_exit+=("scripts/postgres.sh stop '$pg_dir' >/dev/null 2>&1")

sql() { psql -qAt -v ON_ERROR_STOP=1 "$POSTGRES_URL" -c "$1"; }
now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" -v e="$3" 'BEGIN { printf "%.0f", n / (e - s) }'; }

# A typical ERP row: eight columns of ids, text, numbers and a time.
sql "CREATE TABLE bench_lines (id bigint PRIMARY KEY, order_no text NOT NULL, sku text NOT NULL,
     customer_id integer NOT NULL, quantity integer NOT NULL, price numeric(12,2) NOT NULL,
     status text NOT NULL, updated_at timestamptz NOT NULL)"
fill() {  # fill FIRST LAST
  sql "INSERT INTO bench_lines SELECT i, 'SO-' || (i / 5), 'SKU-' || (i % 9973),
       (i % 50000)::int, (i % 17 + 1)::int, ((i % 100000) / 100.0)::numeric(12,2),
       (ARRAY['open','confirmed','shipped','invoiced'])[i % 4 + 1],
       timestamptz '2024-01-01' + i * interval '1 second'
       FROM generate_series($1, $2) i"
}
fill 1 "$rows"
sql "VACUUM ANALYZE bench_lines"

# 1. The ceiling: PostgreSQL's own COPY of the table (warm cache, as erphub's run will be).
psql -q "$POSTGRES_URL" -c "COPY (SELECT * FROM bench_lines) TO STDOUT" >/dev/null
start=$(now)
psql -q "$POSTGRES_URL" -c "COPY (SELECT * FROM bench_lines) TO STDOUT" >/dev/null
end=$(now)
copy_rate=$(rate "$rows" "$start" "$end")

# About the most a store that keeps a row per message can take: PostgreSQL copying the same rows
# into an empty table of the same shape (only its primary key), COPY TO piped into COPY FROM.
sql "CREATE TABLE copy_floor (LIKE bench_lines INCLUDING ALL)"
start=$(now)
psql -q "$POSTGRES_URL" -c "COPY (SELECT * FROM bench_lines) TO STDOUT" |
  psql -q -v ON_ERROR_STOP=1 "$POSTGRES_URL" -c "COPY copy_floor FROM STDIN"
end=$(now)
load_rate=$(rate "$rows" "$start" "$end")
sql "DROP TABLE copy_floor"

# 2. erphub's snapshot. The output's target does not answer and retries are an hour apart, so
# delivery takes no share of the machine: this measures reading and committing to the store.
# The backlog is unbounded (--max-backlog 0): otherwise intake would stop at 100,000 undelivered.
port=$(free_port)
cat >"$work/cdc.yaml" <<YAML
listen: 127.0.0.1:$port
store:
  url: sqlite:$work/hub.db
flows:
  bench:
    from:
      postgres_cdc:
        url: $POSTGRES_URL
        publication: bench_pub
        slot: bench_slot
        tables: [bench_lines]
        batch: $batch
    key: table & ":" & \$string(key.id)
    to:
      - http:
          url: http://127.0.0.1:9/never
    retry: {initial: 1h, max_delay: 1h}
YAML
metric() {
  curl -sf "http://127.0.0.1:$port/metrics" |
    awk -v name="$1{flow=\"bench\"}" '$1 == name { printf "%.0f", $2; found = 1 } END { if (!found) print 0 }'
}

start=$(now)
"$build/erphub" run "$work/cdc.yaml" --log-level warn --workers 1 --max-backlog 0 >"$work/hub.log" 2>&1 &
pids+=($!)
end=$(reached_at 3600 "the snapshot of $rows rows" "$rows" metric erphub_cdc_snapshot_rows_total) ||
  { tail -n 20 "$work/hub.log" >&2; exit 1; }
snapshot_rate=$(rate "$rows" "$start" "$end")
end=$(reached_at 3600 "$rows snapshot messages" "$rows" metric erphub_cdc_snapshot_messages_total) ||
  { tail -n 20 "$work/hub.log" >&2; exit 1; }
messages_rate=$(rate "$rows" "$start" "$end")

# 3. Streaming: N/4 new rows, 10,000 per transaction.
start=$(now)
first=$((rows + 1))
while [ "$first" -le $((rows + stream_rows)) ]; do
  last=$((first + 9999))
  [ "$last" -le $((rows + stream_rows)) ] || last=$((rows + stream_rows))
  fill "$first" "$last"
  first=$((last + 1))
done
inserted=$(now)
end=$(reached_at 3600 "streaming of $stream_rows rows" "$stream_rows" metric erphub_cdc_stream_changes_total) ||
  { tail -n 20 "$work/hub.log" >&2; exit 1; }
stream_rate=$(rate "$stream_rows" "$start" "$end")
insert_rate=$(rate "$stream_rows" "$start" "$inserted")

echo "postgres_cdc, $rows rows of 8 columns (batch $batch):"
printf '  %-38s %10s rows/s\n' "PostgreSQL COPY TO STDOUT (ceiling)" "$copy_rate"
percent() { awk -v a="$1" -v b="$copy_rate" 'BEGIN { printf "%.0f", 100 * a / b }'; }
printf '  %-38s %10s rows/s  (%s%% of COPY: a row per message)\n' \
  "PostgreSQL COPY TO | COPY FROM a copy" "$load_rate" "$(percent "$load_rate")"
printf '  %-38s %10s rows/s  (%s%% of COPY; goal >= 50%%)\n' "erphub snapshot, read and staged" \
  "$snapshot_rate" "$(percent "$snapshot_rate")"
printf '  %-38s %10s rows/s  (%s%% of COPY)\n' "erphub snapshot, all rows messages" \
  "$messages_rate" "$(percent "$messages_rate")"
printf '  %-38s %10s rows/s  (inserting alone: %s rows/s)\n' \
  "erphub streaming of $stream_rows inserts" "$stream_rate" "$insert_rate"
