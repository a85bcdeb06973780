# Shared by the demo and the bench scripts (source it after setting script_name, e.g.
# "bench/intake"): a work folder and background processes cleaned up on exit, a free local port,
# polling with a deadline, the moment a count was reached.

work=$(mktemp -d)
pids=()
# Commands run first on exit, e.g. stopping a server that is not a child of the script.
at_exit=()
cleanup() {
  local hook
  for hook in "${at_exit[@]}"; do eval "$hook" || true; done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# A free local port below Linux's ephemeral range (32768 and up by default), so that no
# outgoing connection opened meanwhile (a client's, a proxy's) takes it before it is bound.
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# wait_until SECONDS WHAT COMMAND...: polls COMMAND until it succeeds or the deadline passes.
wait_until() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "$script_name: gave up waiting for $what" >&2
      return 1
    fi
    sleep 0.05
  done
}

# reached_at SECONDS WHAT N COMMAND...: waits until the count COMMAND prints reaches N, then
# prints when it did (seconds since the epoch). It reads every half second, not continuously: in
# a bench, polling takes CPU from the run it measures. A count that stops at N says nothing of
# when between the last two readings it got there: the moment is placed after the last reading
# below N at the rate of the interval before it. Otherwise (a count past N, or no such interval)
# it is placed between the last two readings by the rate between them. No count yet reads as 0.
reached_at() {
  local deadline=$((SECONDS + $1)) what=$2 n=$3 tp="" vp=0 t0 v0 t1 v1
  shift 3
  t0=$(date +%s.%N)
  v0=$(count_of "$@")
  while [ "$v0" -lt "$n" ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "$script_name: gave up waiting for $what" >&2
      return 1
    fi
    sleep 0.5
    t1=$(date +%s.%N)
    v1=$(count_of "$@")
    if [ "$v1" -ge "$n" ]; then
      awk -v tp="$tp" -v vp="$vp" -v t0="$t0" -v v0="$v0" -v t1="$t1" -v v1="$v1" -v n="$n" \
        'BEGIN {
           at = t0 + (t1 - t0) * (n - v0) / (v1 - v0)
           if (v1 == n && tp != "" && v0 > vp) {
             at = t0 + (t0 - tp) * (n - v0) / (v0 - vp)
             if (at > t1) at = t1
           }
           printf "%.6f", at
         }'
      return 0
    fi
    tp=$t0
    vp=$v0
    t0=$t1
    v0=$v1
  done
  echo "$t0"
}
count_of() {  # COMMAND...: the number it prints, as an integer; 0 when it prints none
  local v
  v=$("$@" 2>/dev/null) || true
  printf '%.0f' "${v:-0}" 2>/dev/null || printf 0
}

# CPU seconds used so far by the processes PIDS... and, with "postgres", by the PostgreSQL
# server and its backends (live and ended: the postmaster's children's time counts too).
cpu_seconds() {
  local ticks=0 pid
  for pid in "$@"; do
    [ "$pid" = postgres ] && pid="$POSTGRES_PID $(pgrep -P "$POSTGRES_PID" | tr '\n' ' ')"
    for p in $pid; do
      # utime stime cutime cstime: fields 14-17 of /proc/PID/stat.
      ticks=$((ticks + $(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t / hz }'
}
