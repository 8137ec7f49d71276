#!/usr/bin/env bash
# A realistic cluster on this machine: redis-server plus three silos of the published Silo, all on loopback ports, run
# the way deploy/orleans-scheduler-silo.service runs them on VMs (Production environment, settings in environment
# variables, deploy/appsettings.Production.json beside the binary).
#
#   deploy/local-cluster.sh start     install redis-server if missing, publish the Silo once, start Redis and 3 silos
#   deploy/local-cluster.sh stop      stop the silos (SIGTERM, clean leave) and Redis
#   deploy/local-cluster.sh status    what runs, on which ports, with pids and log files
#
# Environment: STATE_DIR (default ${XDG_STATE_HOME:-~/.local/state}/orleans-scheduler-local-cluster) holds the
# published silo, Redis data, pids and logs; REDIS_PORT (default 6380); SILO_PORT_BASE (default 11111) and
# GATEWAY_PORT_BASE (default 30000) number the silos' ports upwards; REBUILD=1 publishes again.
# Clients: ./scheduler --redis 127.0.0.1:6380 list   (or ConnectionStrings__Redis=127.0.0.1:6380 ./scheduler list)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
state="${STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/orleans-scheduler-local-cluster}"
redis_port="${REDIS_PORT:-6380}"
silo_base="${SILO_PORT_BASE:-11111}"
gateway_base="${GATEWAY_PORT_BASE:-30000}"
silos=3

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_redis_installed() {
  if command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; then return; fi
  echo "redis-server not found: installing Debian's package"
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
}

publish_silo() {
  if [ -f "$state/silo/OrleansScheduler.Silo.dll" ] && [ "${REBUILD:-0}" != 1 ]; then return; fi
  echo "publishing the Silo (Release) to $state/silo"
  dotnet publish "$root/Silo/OrleansScheduler.Silo.csproj" -c Release -o "$state/silo" --nologo -v quiet
  cp "$root/deploy/appsettings.Production.json" "$state/silo/"
}

wait_for() { # description, timeout seconds, command...
  local what="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "error: $what did not happen within ${timeout}s" >&2; return 1; fi
    sleep 0.2
  done
}

redis_ready() { [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ]; }

start() {
  mkdir -p "$state/logs" "$state/redis" "$state/pids"
  for pid in "$state"/pids/*.pid; do
    if pid_alive "$pid"; then echo "error: already running ($(basename "$pid" .pid)); run '$0 stop' first" >&2; exit 1; fi
  done
  for port in "$redis_port" $(seq "$silo_base" $((silo_base + silos - 1))) $(seq "$gateway_base" $((gateway_base + silos - 1))); do
    if port_busy "$port"; then echo "error: port $port on 127.0.0.1 is in use (set REDIS_PORT, SILO_PORT_BASE, GATEWAY_PORT_BASE)" >&2; exit 1; fi
  done
  ensure_redis_installed
  publish_silo

  # Append-only file: a Redis restart keeps the jobs, as it must in production.
  nohup redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$state/redis" --appendonly yes --save "" \
    --daemonize no >"$state/logs/redis.log" 2>&1 &
  echo $! >"$state/pids/redis.pid"
  wait_for "redis-server answering on port $redis_port" 30 redis_ready
  echo "redis-server  127.0.0.1:$redis_port  pid $(cat "$state/pids/redis.pid")"

  for i in $(seq 1 "$silos"); do
    DOTNET_ENVIRONMENT=Production \
      ConnectionStrings__Redis="127.0.0.1:$redis_port" \
      Silo__AdvertisedAddress=127.0.0.1 \
      Silo__SiloPort=$((silo_base + i - 1)) \
      Silo__GatewayPort=$((gateway_base + i - 1)) \
      nohup dotnet "$state/silo/OrleansScheduler.Silo.dll" >"$state/logs/silo-$i.log" 2>&1 &
    echo $! >"$state/pids/silo-$i.pid"
  done
  for i in $(seq 1 "$silos"); do
    if ! wait_for "silo $i starting" 120 grep -q "Application started" "$state/logs/silo-$i.log"; then
      tail -n 20 "$state/logs/silo-$i.log" >&2
      exit 1
    fi
    echo "silo $i        127.0.0.1:$((silo_base + i - 1)) gateway $((gateway_base + i - 1))  pid $(cat "$state/pids/silo-$i.pid")  log $state/logs/silo-$i.log"
  done
  echo
  echo "clients: ./scheduler --redis 127.0.0.1:$redis_port list     (stop with: $0 stop)"
}

stop_pid() { # name, pid file, seconds before SIGKILL
  local name="$1" file="$2" grace="$3"
  if ! pid_alive "$file"; then rm -f "$file"; return; fi
  local pid; pid="$(cat "$file")"
  kill -TERM "$pid"
  local deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "$name did not stop in ${grace}s: killing it"; kill -KILL "$pid"; break; fi
    sleep 0.2
  done
  rm -f "$file"
  echo "stopped $name"
}

stop() {
  # Silos first (in parallel: each leaves the cluster cleanly), Redis last, so the silos can record their leave.
  local pids=()
  for i in $(seq 1 "$silos"); do
    stop_pid "silo $i" "$state/pids/silo-$i.pid" 60 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  stop_pid "redis-server" "$state/pids/redis.pid" 30
}

status() {
  local any=0
  if pid_alive "$state/pids/redis.pid"; then
    any=1; echo "redis-server  127.0.0.1:$redis_port  running (pid $(cat "$state/pids/redis.pid"))"
  else
    echo "redis-server  127.0.0.1:$redis_port  stopped"
  fi
  for i in $(seq 1 "$silos"); do
    local file="$state/pids/silo-$i.pid"
    if pid_alive "$file"; then
      any=1; echo "silo $i        127.0.0.1:$((silo_base + i - 1)) gateway $((gateway_base + i - 1))  running (pid $(cat "$file"))  log $state/logs/silo-$i.log"
    else
      echo "silo $i        stopped"
    fi
  done
  [ "$any" = 1 ]
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
