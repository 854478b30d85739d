#!/usr/bin/env bash
# Private PC/SC stack for tests and demos: the real pcscd with vsmartcard's vpcd driver, one virtual
# reader entry (two slots) per role, and simulated cards that connect over TCP.
#
#   scripts/pcsc-stack.sh start | stop | restart | status | env | readers
#
# Knobs (environment):
#   STACK_DIR       where config, shim, log, pid and stack.json live   (default /tmp/rhc-pcsc-stack)
#   VPCD_NAMES      comma-separated reader role names, at most 8       (default: the five desk roles)
#   VPCD_BASE_PORT  first vpcd port; entry i, slot s listens on BASE+2i+s (default 35963)
#   PCSC_ISOLATE    auto | 1 | 0: run pcscd in its own mount namespace with a private socket
#                   directory, so it never touches /run/pcscd or a system pcscd  (default auto)
#   PCSCD_DEBUG=1   log every APDU (slower, large log)
#   PCSC_NODELAY=0  do not preload the TCP_NODELAY shim (every APDU then waits ~44 ms)
#
# Clients find an isolated pcscd through PCSCLITE_CSOCK_NAME; `eval "$(scripts/pcsc-stack.sh env)"`
# sets it. stack.json lists every reader with its vpcd port for card simulators.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STACK_DIR="${STACK_DIR:-/tmp/rhc-pcsc-stack}"
VPCD_NAMES="${VPCD_NAMES:-Resident Card Reader,SAM Reader,Staff Card Reader,Issuer Card Reader,Issuer SAM Reader}"
BASE_PORT="${VPCD_BASE_PORT:-35963}"
ISOLATE="${PCSC_ISOLATE:-auto}"
DRIVER=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
CONF_DIR="$STACK_DIR/reader.conf.d"
RUN_DIR="$STACK_DIR/run"
LOG="$STACK_DIR/pcscd.log"
PIDFILE="$STACK_DIR/pcscd.pid"
INFO="$STACK_DIR/stack.json"
SHIM="$STACK_DIR/libnodelay.so"
SYSTEM_SOCKET=/run/pcscd/pcscd.comm

say() { printf 'pcsc-stack: %s\n' "$*"; }
die() { printf 'pcsc-stack: %s\n' "$*" >&2; exit 1; }

# A pid is alive when /proc has it and it is not a zombie (kill -0 is true for zombies).
alive() {
  local pid="$1" stat
  [ -n "$pid" ] && stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  ! [[ "$stat" =~ ^[0-9]+\ \(.*\)\ Z ]]
}

# Never probe a vpcd port with connect(): a TCP connect *is* a card insertion.
listening() {
  grep -qE "^ *[0-9]+: [0-9A-F]+:$(printf '%04X' "$1") [0-9A-F]+:0000 0A " /proc/net/tcp
}

pid_of_stack() { [ -f "$PIDFILE" ] && cat "$PIDFILE" || true; }

socket_path() {
  if [ -f "$INFO" ]; then sed -n 's/.*"socket": *"\([^"]*\)".*/\1/p' "$INFO" | head -n1; else echo "$SYSTEM_SOCKET"; fi
}

need_tools() {
  local missing=()
  command -v pcscd >/dev/null || missing+=(pcscd)
  [ -f "$DRIVER" ] || missing+=(vsmartcard-vpcd)
  [ -f /usr/include/PCSC/winscard.h ] || missing+=(libpcsclite-dev)
  command -v cc >/dev/null || missing+=(gcc)
  if [ ${#missing[@]} -gt 0 ]; then
    die "missing Debian packages: ${missing[*]}. Run: sudo apt-get install -y --no-install-recommends ${missing[*]} (or sudo scripts/bootstrap.sh)"
  fi
}

can_isolate() {
  [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && unshare -m true 2>/dev/null
}

build_shim() {
  [ "${PCSC_NODELAY:-1}" = 0 ] && return 0
  if [ ! -f "$SHIM" ] || [ "$HERE/nodelay.c" -nt "$SHIM" ]; then
    cc -O2 -shared -fPIC -o "$SHIM" "$HERE/nodelay.c" -ldl || die "could not build the TCP_NODELAY shim"
  fi
}

write_config() {
  rm -rf "$CONF_DIR"; mkdir -p "$CONF_DIR"
  local i=0 name port lib readers="" sep=""
  IFS=',' read -r -a names <<<"$VPCD_NAMES"
  [ ${#names[@]} -ge 1 ] && [ ${#names[@]} -le 8 ] || die "VPCD_NAMES must name 1..8 readers (pcscd drops readers beyond 16 slots silently)"
  for name in "${names[@]}"; do
    port=$((BASE_PORT + 2 * i))
    # The vpcd driver keeps slot state in globals and pcscd loads each .so once: every entry needs
    # its own copy, or two entries share sockets and clients hang.
    if [ "$i" = 0 ]; then lib="$DRIVER"; else lib="$STACK_DIR/libifdvpcd-$i.so"; cp -f "$DRIVER" "$lib"; fi
    printf 'FRIENDLYNAME "%s"\nDEVICENAME   /dev/null:0x%04X\nLIBPATH      %s\nCHANNELID    0x%04X\n' \
      "$name" "$port" "$lib" "$port" >"$CONF_DIR/vpcd-$i"
    for slot in 0 1; do
      readers+="$sep{\"name\": \"$name 00 0$slot\", \"role\": \"$name\", \"entry\": $i, \"slot\": $slot, \"port\": $((port + slot))}"
      sep=", "
    done
    i=$((i + 1))
  done
  ENTRY_COUNT=$i
  READERS_JSON="[$readers]"
}

start() {
  mkdir -p "$STACK_DIR"
  local pid; pid="$(pid_of_stack)"
  if alive "$pid"; then say "already running (pid $pid, socket $(socket_path))"; return 0; fi
  need_tools

  local isolated=0
  case "$ISOLATE" in
    1) can_isolate || die "PCSC_ISOLATE=1 needs root and unshare(1) with mount namespaces"; isolated=1 ;;
    auto) if can_isolate; then isolated=1; fi ;;
    0) ;;
    *) die "PCSC_ISOLATE must be auto, 1 or 0" ;;
  esac
  if [ "$isolated" = 0 ]; then
    [ "$(id -u)" = 0 ] || die "pcscd needs root to use /run/pcscd; run as root (sudo) or enable mount namespaces"
    local other
    for other in $(pgrep -x pcscd || true); do
      alive "$other" && die "another pcscd (pid $other) is running; stop it (systemctl stop pcscd.socket pcscd.service) or use PCSC_ISOLATE=1"
    done
  fi

  write_config
  local last=$((BASE_PORT + 2 * ENTRY_COUNT - 1)) p
  for p in $(seq "$BASE_PORT" "$last"); do
    listening "$p" && die "port $p is already listening: another vpcd stack uses it (set VPCD_BASE_PORT)"
  done
  build_shim

  local socket args=(--foreground --config "$CONF_DIR")
  [ "${PCSCD_DEBUG:-0}" = 1 ] && args+=(--debug --apdu)
  local preload=""; [ "${PCSC_NODELAY:-1}" = 0 ] || preload="$SHIM"
  if [ "$isolated" = 1 ]; then
    rm -rf "$RUN_DIR"; mkdir -p "$RUN_DIR" /run/pcscd
    socket="$RUN_DIR/pcscd.comm"
    # pcscd's socket directory is compiled in; a private mount namespace gives it its own.
    LD_PRELOAD="$preload" setsid unshare -m --propagation private sh -c \
      'mount --bind "$0" /run/pcscd && exec pcscd "$@"' "$RUN_DIR" "${args[@]}" >"$LOG" 2>&1 </dev/null 9>&- &
  else
    socket="$SYSTEM_SOCKET"
    rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid   # left behind by a SIGKILLed pcscd
    LD_PRELOAD="$preload" setsid pcscd "${args[@]}" >"$LOG" 2>&1 </dev/null 9>&- &
  fi
  pid=$!
  echo "$pid" >"$PIDFILE"

  local n ready=0
  for n in $(seq 1 100); do
    if ! alive "$pid"; then break; fi
    if [ -S "$socket" ]; then
      ready=1
      for p in $(seq "$BASE_PORT" "$last"); do listening "$p" || { ready=0; break; }; done
      [ "$ready" = 1 ] && break
    fi
    sleep 0.1
  done
  if [ "$ready" != 1 ]; then
    cat "$LOG" >&2 || true
    stop >/dev/null 2>&1 || true
    die "pcscd did not become ready within 10 s (log above)"
  fi
  cat >"$INFO" <<JSON
{"pid": $pid, "socket": "$socket", "isolated": $([ "$isolated" = 1 ] && echo true || echo false), "basePort": $BASE_PORT, "log": "$LOG", "readers": $READERS_JSON}
JSON
  say "started pid $pid, socket $socket, vpcd ports $BASE_PORT-$last"
}

stop() {
  local pid; pid="$(pid_of_stack)"
  if [ -z "$pid" ]; then say "not running"; return 0; fi
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    local n
    for n in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.1; fi
  fi
  if [ -f "$INFO" ] && grep -q '"isolated": false' "$INFO"; then rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid; fi
  rm -rf "$RUN_DIR"
  rm -f "$PIDFILE" "$INFO"
  say "stopped"
}

status() {
  local pid; pid="$(pid_of_stack)"
  if alive "$pid"; then say "running (pid $pid, socket $(socket_path))"; return 0; fi
  say "not running"; return 1
}

# Serialise start/stop of one instance between concurrent callers (parallel test runs). pcscd is
# started with fd 9 closed so it never inherits the lock.
lock() { mkdir -p "$STACK_DIR"; exec 9>"$STACK_DIR/.lock"; command -v flock >/dev/null && flock 9 || true; }

case "${1:-}" in
  start | stop | restart) lock ;;
esac
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  env) status >/dev/null && echo "export PCSCLITE_CSOCK_NAME=$(socket_path)" ;;
  readers) [ -f "$INFO" ] && cat "$INFO" || die "not running" ;;
  *) echo "usage: $0 start|stop|restart|status|env|readers" >&2; exit 2 ;;
esac
