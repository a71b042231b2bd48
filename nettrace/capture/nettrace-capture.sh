#!/bin/sh
# shellcheck disable=SC2329  # the row handlers are called through for_rows
# nettrace-capture.sh: collect network evidence on a Mac into one bundle (nettrace-<host>-<time>.tar.gz).
#
# READ-ONLY: it runs only the commands listed in the catalog below (plus date, id, hostname and
# the tools that write the bundle); it never changes routes, interfaces, ARP/NDP, pf, services or
# processes other than its own children. POSIX sh: macOS /bin/sh, bash 3.2, zsh, dash.
# Generated from the nettrace package (`nettrace capture-script`); the bundle format is
# docs/bundle-format.md. Run `sh nettrace-capture.sh --help` for the options.
#
# It never lies about what it wrote: the bundle is written under a temporary name and moved into
# place when whole; the manifest is written to a temporary file, checked, then moved; a failed
# tar keeps the work folder and says where; a full disk stops the streams and the manifest says
# so; --redact redacts every member or writes no bundle. It uses no here-documents (bash 3.2 and
# zsh put them in /tmp whatever TMPDIR says): every temporary file is in its own work folder.

CAPTURE_VERSION=0.2.0
if [ -n "${ZSH_VERSION:-}" ]; then emulate sh; fi   # `zsh nettrace-capture.sh`: behave as sh
LC_ALL=C
export LC_ALL
if [ -n "${NETTRACE_PATH:-}" ]; then
  PATH=$NETTRACE_PATH                 # tests: the fake Mac replaces PATH entirely
else
  PATH=/usr/bin:/bin:/usr/sbin:/sbin:/usr/libexec:$PATH
fi
export PATH
COPYFILE_DISABLE=1                    # macOS tar: no ._* AppleDouble members
export COPYFILE_DISABLE
TAB=$(printf '\t')
NL='
'
US=$(printf '\037')   # field separator of the script's own records (keeps empty fields)
RS=$(printf '\036')   # starts every record line: a line half-written on a full disk is dropped
STREAM_CAP=${NETTRACE_STREAM_CAP:-67108864}   # bytes per stream file (64 MiB); NETTRACE_TIMEOUT_CAP caps timeouts

# Unified-log predicate for --logs: configd, the networking daemons and known VPN processes.
# shellcheck disable=SC2089  # the quotes belong to the predicate, which is passed as one word
PREDICATE='process == "configd" OR process == "networkd" OR process == "mDNSResponder" OR process == "nehelper" OR process == "nesessionmanager" OR process == "IPConfiguration" OR process == "openconnect" OR process == "vpnc" OR process == "zerotier-one" OR process == "tailscaled" OR process == "MacEthernetTapAgent" OR process == "wireguard-go" OR subsystem BEGINSWITH "com.apple.network"'

# >>> catalog (generated from nettrace/data/catalog.tsv; do not edit by hand) >>>
CATALOG='
sw_vers	snapshot	start,end	no	10	sw_vers	sw_vers
uname	snapshot	start,end	no	10	uname	uname -a
boottime	snapshot	start,end	no	10	sysctl	sysctl kern.boottime
ifconfig	snapshot	start,end,periodic	no	20	ifconfig	ifconfig -a
netstat_routes	snapshot	start,end,periodic	no	20	netstat_routes	netstat -rn
route_get_default	snapshot	start,end	no	10	route_get	route -n get default
route_get_default6	snapshot	start,end	no	10	route_get	route -n get -inet6 default
arp	snapshot	start,end	no	20	arp	arp -an
ndp	snapshot	start,end	no	20	ndp	ndp -an
scutil_dns	snapshot	start,end	no	15	scutil_dns	scutil --dns
scutil_nwi	snapshot	start,end	no	15	scutil_nwi	scutil --nwi
scutil_proxy	snapshot	start,end	no	15	scutil_proxy	scutil --proxy
hardware_ports	snapshot	start,end	no	20	networksetup_ports	networksetup -listallhardwareports
service_order	snapshot	start,end	no	20	networksetup_order	networksetup -listnetworkserviceorder
ps	snapshot	start,end	no	20	ps	ps -axww -o pid,ppid,uid,user,lstart,command
lsof	snapshot	start,end	yes	90	lsof	lsof -nP -w
pfctl	snapshot	start,end	yes	20	pfctl	pfctl -s all
system_extensions	snapshot	start,end	no	20	systemextensionsctl	systemextensionsctl list
launchd_jobs	snapshot	start,end	no	20	launchctl	launchctl list
route_monitor	stream	run	no	0	route_monitor	route -n monitor
ping_stream	stream	run	no	0	pings	ping -n -i 1 {host}
probe_ping	probe	start	both	20	ping	ping -c 3 -t 5 {host}
probe_route_get	probe	start	both	10	route_get	route -n get {host}
probe_traceroute	probe	start	both	30	traceroute	traceroute -n -m 8 -w 1 -q 1 {host}
probe_dig	probe	start	no	10	dig	dig +time=2 +tries=1 {name}
log_show	log	end	no	120	log_show	log show --style ndjson --last {minutes}m --predicate {predicate}
'
# <<< catalog <<<

usage() {
  # shellcheck disable=SC2016  # backquotes and $TMPDIR are meant literally
  printf '%s\n' \
'Usage: sudo sh nettrace-capture.sh [options]' \
'' \
'Collects routes, interfaces, ARP/NDP, DNS, processes and sockets at the start and the end, streams' \
'`route -n monitor` and a ping loop to the gateway and each probe host, probes reachability as you' \
'and as root, and writes one bundle. It changes nothing on the machine. Run it with sudo to get' \
'lsof, pfctl and the root probes.' \
'' \
'Options:' \
'  --duration S     how long to stream route changes and pings (default 120)' \
'  --interval S     seconds between periodic netstat/ifconfig snapshots (default 10)' \
'  --probe HOST     a host to probe (repeatable; default 1.1.1.1 and captive.apple.com);' \
'                   the default gateway is always probed' \
'  --no-sudo        run the probes only once (do not re-run them as the invoking user)' \
'  --redact         replace MAC addresses, user and host names and public IPs by tokens' \
'                   (every member, or no bundle at all)' \
'  --logs MINUTES   also collect the unified log of the networking daemons for the last MINUTES' \
'  --output PATH    a .tar.gz file or a directory (default: the current directory)' \
'  --help           this text' \
'The bundle'"'"'s path is the last line printed on stdout; progress goes to stderr. Ctrl-C stops' \
'early and still writes the bundle. Temporary files go to $TMPDIR (default /tmp).' \
'Exit status: 0 complete; 3 written, but the disk filled up (the streams stopped early);' \
'130/143/129 written after Ctrl-C/TERM/HUP; 1 no bundle written (the last line says why and' \
'where the captured files are); 2 bad options.'
}

WORK='' STREAM_IDS=''
# cleanup: remove the work folder unless a step kept it. Called on every exit path (no EXIT trap:
# bash runs it in a subshell that a signal reaches before the subshell resets its traps).
cleanup() {
  [ -n "$WORK" ] || return 0
  for _id in $STREAM_IDS; do [ -s "$META/s$_id.pid" ] && kill "$(cat "$META/s$_id.pid")" 2>/dev/null; done
  [ -f "$META/keep" ] || rm -rf "$WORK"
}
die() { printf 'nettrace-capture: error: %s\n' "$*" >&2; cleanup; exit 2; }

# ---- options ---------------------------------------------------------------------------------
DURATION=120 INTERVAL=10 PROBES='' NO_SUDO=false REDACT=false LOGS=0 OUTPUT=.
is_uint() { case $1 in ''|*[!0-9]*) return 1;; esac; }
while [ $# -gt 0 ]; do
  case $1 in
    --duration|--interval|--probe|--logs|--output)
      [ $# -ge 2 ] || die "$1 needs a value (see --help)"
      case $1 in
        --duration) is_uint "$2" && [ "$2" -gt 0 ] || die "--duration needs whole seconds > 0, got '$2'"; DURATION=$2;;
        --interval) is_uint "$2" && [ "$2" -gt 0 ] || die "--interval needs whole seconds > 0, got '$2'"; INTERVAL=$2;;
        --logs) is_uint "$2" || die "--logs needs whole minutes, got '$2'"; LOGS=$2;;
        --probe) PROBES="$PROBES $2";;
        --output) OUTPUT=$2;;
      esac
      shift 2;;
    --no-sudo) NO_SUDO=true; shift;;
    --redact) REDACT=true; shift;;
    -h|--help) usage; exit 0;;
    *) die "unknown option '$1' (run with --help for the options)";;
  esac
done
[ -n "$PROBES" ] || PROBES="1.1.1.1 captive.apple.com"

# ---- the catalog ------------------------------------------------------------------------------
# for_rows KIND PHASE FUNCTION: call FUNCTION for each catalog row of KIND that lists PHASE
# (sets row_name, row_root, row_timeout, row_argv). No here-document, no subshell.
for_rows() {
  _fr_kind=$1 _fr_phase=$2 _fr_fn=$3 _fr_ifs=$IFS
  IFS=$NL; set -f
  for _fr_row in $CATALOG; do
    IFS=$TAB
    # shellcheck disable=SC2086  # split on TABs only
    set -- $_fr_row
    IFS=$_fr_ifs; set +f
    row_name=$1 row_kind=$2 row_phases=$3 row_root=$4 row_timeout=$5 row_argv=$7
    _fr_ok=true
    [ "$_fr_kind" = '*' ] || [ "$row_kind" = "$_fr_kind" ] || _fr_ok=false
    case ",$row_phases," in *",$_fr_phase,"*) ;; *) [ "$_fr_phase" = '*' ] || _fr_ok=false;; esac
    if $_fr_ok; then "$_fr_fn"; fi
  done
  IFS=$_fr_ifs; set +f
}
# zsh has builtins named like commands the catalog runs (`log`): run the commands, not those
if [ -n "${ZSH_VERSION:-}" ]; then
  zsh_unshadow() {
    for _w in $row_argv; do break; done
    case $(whence -w "$_w" 2>/dev/null) in *": builtin") disable "$_w";; esac
  }
  for_rows '*' '*' zsh_unshadow
fi
N_PERIODIC_ROWS=0
count_periodic() { N_PERIODIC_ROWS=$((N_PERIODIC_ROWS + 1)); }
for_rows snapshot periodic count_periodic

# ---- small helpers ---------------------------------------------------------------------------
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
epoch() { date +%s; }
# full REASON: the disk holding the work folder is full. Free the reserve (so the bookkeeping,
# the manifest and the notes still fit), remember why; streams and commands stop.
full() {
  [ -f "$META/diskfull" ] && return 0
  rm -f "$META/reserve"
  printf '%s %s\n' "$(now)" "$1" 2>/dev/null >"$META/diskfull" || : >"$META/diskfull"
}
# append FILE FORMAT ARG...: printf to the end of FILE; on a full disk free the reserve and retry
append() {
  _ap_f=$1; shift
  # shellcheck disable=SC2059  # the format is the caller's
  printf "$@" 2>/dev/null >>"$_ap_f" && return 0
  full "cannot write ${_ap_f##*/}"
  # shellcheck disable=SC2059
  printf "$@" 2>/dev/null >>"$_ap_f"
}
NOTES=true
note() { $NOTES && append "$B/capture.log" '%s %s\n' "$(now)" "$*"; return 0; }
say() { printf 'nettrace-capture: %s\n' "$*" >&2; }

# json_str S: S as a JSON string literal (escapes backslash, quote and control characters).
json_str() {
  case $1 in
    *[\\\"]*|*[![:print:]]*)
      printf '%s' "$1" | awk 'BEGIN { for (i = 1; i < 32; i++) esc[sprintf("%c", i)] = sprintf("\\u%04x", i)
          esc["\t"] = "\\t"; esc["\n"] = "\\n"; esc["\r"] = "\\r"; esc["\\"] = "\\\\"; esc["\""] = "\\\""
          esc[sprintf("%c", 127)] = "\\u007f" }
        { line = (NR > 1 ? "\\n" : ""); n = length($0)
          for (i = 1; i <= n; i++) { c = substr($0, i, 1); line = line ((c in esc) ? esc[c] : c) }
          out = out line }
        END { printf "\"%s\"", out }';;
    *) printf '"%s"' "$1";;
  esac
}
json_or_null() { if [ -n "$1" ]; then json_str "$1"; else printf 'null'; fi; }
# jstr VAR VALUE: VAR = VALUE as a JSON string literal, or null when empty (no fork when plain)
jstr() {
  case $2 in
    '') eval "$1=null";;
    *[\\\"]*|*[![:print:]]*) eval "$1=\$(json_str \"\$2\")";;
    *) eval "$1=\\\"\$2\\\"";;
  esac
}
if command -v shasum >/dev/null 2>&1; then SHA256='shasum -a 256'
elif command -v sha256sum >/dev/null 2>&1; then SHA256=sha256sum
else SHA256='openssl dgst -sha256 -r'; fi
safe() { printf '%s' "$1" | tr -c 'A-Za-z0-9._:-' '_'; }
is_ip() { case $1 in *:*) return 0;; *[!0-9.]*|'') return 1;; *) return 0;; esac; }

# ---- identity, work directory, signals ---------------------------------------------------------
UID_NOW=$(id -u 2>/dev/null || echo 501)
IS_ROOT=false; [ "$UID_NOW" = 0 ] && IS_ROOT=true
INVOKER=${SUDO_USER:-$(id -un 2>/dev/null || echo unknown)}
HOSTNAME_FULL=$(hostname 2>/dev/null || uname -n 2>/dev/null || echo mac)
HOST=${HOSTNAME_FULL%%.*}
if $REDACT; then NAME_HOST=host1; else NAME_HOST=$(safe "$HOST"); fi
STARTED_AT=$(now)
NAME="nettrace-$NAME_HOST-$(date -u +%Y%m%dT%H%M%SZ)"
case $OUTPUT in
  *.tar.gz) OUTFILE=$OUTPUT; NAME=$(basename "$OUTPUT" .tar.gz)
            [ -d "$(dirname "$OUTPUT")" ] || die "directory of --output '$OUTPUT' does not exist; create it or pick another path";;
  *) [ -d "$OUTPUT" ] || die "--output '$OUTPUT' is neither an existing directory nor a .tar.gz path"
     OUTFILE=${OUTPUT%/}/$NAME.tar.gz;;
esac
[ -w "$(dirname "$OUTFILE")" ] || die "cannot write to $(dirname "$OUTFILE"); choose another --output"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nettrace.XXXXXX") || die "cannot create a temporary directory in ${TMPDIR:-/tmp}; set TMPDIR to a writable folder with free space"
B=$WORK/$NAME            # the bundle directory (becomes the tarball's top-level directory)
META=$WORK/.meta         # the script's own bookkeeping, not part of the bundle
STREAM_IDS=
INTERRUPTED=false SIGNAL_RC=0 FINAL=false CUR_PID=
# A signal stops the capture (the running command is killed at once: zsh's `wait` would not
# return before it ends) and the bundle is written with what was captured. While the bundle is
# being finished, signals are deferred: the finishing steps ignore them and run to the end.
on_signal() {
  [ "$SIGNAL_RC" = 0 ] && SIGNAL_RC=$1
  if $FINAL; then
    say "signal received while the bundle is being finished (redaction, manifest, tarball): it stops as soon as the bundle is consistent, in a moment"
    return
  fi
  if ! $INTERRUPTED; then
    INTERRUPTED=true
    note "interrupted by signal (exit $1)"
    say "stopping (signal): writing the bundle with what was captured so far"
  fi
  [ -n "$CUR_PID" ] && kill "$CUR_PID" 2>/dev/null
  return 0
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP
{ mkdir -p "$B" "$META" && : >"$META/records"; } 2>/dev/null || die "cannot write to $WORK; set TMPDIR to a writable folder with free space"
# the reserve: room kept back for the records, the notes and the manifest when the disk fills
RESERVE_KB=$((256 + 2 * (80 + N_PERIODIC_ROWS * DURATION / INTERVAL)))
[ "$RESERVE_KB" -gt 65536 ] && RESERVE_KB=65536
dd if=/dev/zero of="$META/reserve" bs=1024 count="$RESERVE_KB" >/dev/null 2>&1 ||
  die "not enough free space in ${TMPDIR:-/tmp} (the capture keeps ${RESERVE_KB} KB back for its manifest); free some space or set TMPDIR to a folder on another disk"
note "nettrace-capture $CAPTURE_VERSION as uid $UID_NOW (invoker $INVOKER) on $HOSTNAME_FULL"

# ---- running one command -----------------------------------------------------------------------
# expand_argv TEMPLATE TARGET: sets "$ARGV_JSON" and the words of $CMD_WORDS (one per line).
expand_argv() {
  ARGV_JSON='' CMD_WORDS=''
  set -f
  for _tok in $1; do
    case $_tok in
      *'{host}'*|*'{name}'*) _tok=${_tok%%\{*}$2${_tok#*\}};;
      *'{minutes}'*) _tok=${_tok%%\{*}$LOGS${_tok#*\}};;
      '{predicate}') _tok=$PREDICATE;;
    esac
    ARGV_JSON="${ARGV_JSON:+$ARGV_JSON, }$(json_str "$_tok")"
    CMD_WORDS="$CMD_WORDS$_tok
"
  done
  set +f
  ARGV_JSON="[$ARGV_JSON]"
}

# record NAME KIND PHASE SEQ TARGET AS OUT ERR STARTED ENDED EXIT TIMED_OUT TRUNCATED SKIPPED
# (one \037-separated line per manifest entry, after a \036; ARGV_JSON is the current argv)
record() {
  append "$META/records" "$RS%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s\n" "$1" "$2" "$3" "$4" "$5" "$6" \
    "$ARGV_JSON" "$7" "$8" "$9" "${10}" "${11}" "${12}" "${13}" "${14}"
}
# why_not: the reason a command is not run now ("" when it runs)
why_not() {
  if $INTERRUPTED; then WHY=interrupted
  elif [ -f "$META/diskfull" ]; then WHY="disk full"
  else WHY=; fi
}

# run_cmd NAME KIND PHASE SEQ TARGET AS TIMEOUT OUT ERR: run $CMD_WORDS under a watchdog.
# AS=user while root means `sudo -u $SUDO_USER`. Never fatal: every outcome becomes a record.
run_cmd() {
  _name=$1 _kind=$2 _phase=$3 _seq=$4 _tgt=$5 _as=$6 _to=$7 _out=$8 _err=$9
  is_uint "${NETTRACE_TIMEOUT_CAP:-}" && [ "$_to" -gt "$NETTRACE_TIMEOUT_CAP" ] && _to=$NETTRACE_TIMEOUT_CAP  # tests
  why_not
  if [ -n "$WHY" ]; then record "$_name" "$_kind" "$_phase" "$_seq" "$_tgt" "$_as" "" "" "" "" "" "" "" "$WHY"; return; fi
  _saveifs=$IFS; IFS='
'; set -f
    # shellcheck disable=SC2086,SC2090  # split on newlines only
  set -- $CMD_WORDS
  IFS=$_saveifs; set +f
  if ! command -v "$1" >/dev/null 2>&1; then
    note "skip $_name ($1 not found)"
    record "$_name" "$_kind" "$_phase" "$_seq" "$_tgt" "$_as" "" "" "" "" "" "" "" "not found"; return
  fi
  if [ "$_as" = user ] && $IS_ROOT; then set -- sudo -u "$INVOKER" "$@"; fi
  _dir=${_out%/*}
  [ -d "$B/$_dir" ] || mkdir -p "$B/$_dir" 2>/dev/null
  _t0=$(now)
  [ -f "$META/timedout" ] && rm -f "$META/timedout"
  command "$@" >"$B/$_out" 2>"$B/$_err" </dev/null &   # `command`: never one of our functions
  _pid=$!; CUR_PID=$_pid
  # the watchdog is its own sh, stopped by USR1: a signal this shell traps (TERM) can reach the
  # child between fork and exec, where the shell's inherited handler swallows it
  # shellcheck disable=SC2016  # expanded by that sh
  sh -c 'trap "kill \$! 2>/dev/null; exit 0" USR1; sleep "$1" & wait $!
    : >"$2"; kill "$3"; sleep 1 & wait $!; kill -9 "$3"' watchdog "$_to" "$META/timedout" "$_pid" >/dev/null 2>&1 &
  _wd=$!
  wait "$_pid" 2>/dev/null; _rc=$?
  # a signal ends the wait early: the command was killed by on_signal; collect its status
  if $INTERRUPTED && kill -0 "$_pid" 2>/dev/null; then kill "$_pid" 2>/dev/null; wait "$_pid" 2>/dev/null; _rc=$?; fi
  CUR_PID=
  kill -USR1 "$_wd" 2>/dev/null; wait "$_wd" 2>/dev/null
  _tmo=false; [ -f "$META/timedout" ] && _tmo=true && note "$_name cut at its ${_to}s timeout"
  if [ ! -f "$B/$_out" ] || [ ! -f "$B/$_err" ]; then   # the output file could not even be created
    full "cannot create $_out"; rm -f "$B/$_out" "$B/$_err"
    record "$_name" "$_kind" "$_phase" "$_seq" "$_tgt" "$_as" "" "" "$_t0" "$(now)" "$_rc" "$_tmo" false "disk full"; return
  fi
  record "$_name" "$_kind" "$_phase" "$_seq" "$_tgt" "$_as" "$_out" "$_err" "$_t0" "$(now)" "$_rc" "$_tmo" false ""
}

# ---- snapshots, probes, logs -------------------------------------------------------------------
PHASE='' SEQ='' DIR=''
snapshot_row() {
  expand_argv "$row_argv" ""
  _as=user; $IS_ROOT && _as=root
  if [ "$row_root" = yes ] && ! $IS_ROOT; then
    record "$row_name" snapshot "$PHASE" "$SEQ" "" user "" "" "" "" "" "" "" "needs root"
    note "skip $row_name (needs root: run with sudo)"; return
  fi
  run_cmd "$row_name" snapshot "$PHASE" "$SEQ" "" "$_as" "$row_timeout" "$DIR/$row_name.out" "$DIR/$row_name.err"
}
snapshots() { # PHASE [SEQ]
  PHASE=$1 SEQ=${2:-} DIR=$1
  # three digits up to 999, then as many as needed (1000, 1001, ...): the schema accepts both
  [ -n "$SEQ" ] && DIR=periodic/$(printf '%03d' "$SEQ")
  for_rows snapshot "$PHASE" snapshot_row
}

probe_row() {
  case $row_argv in *'{name}'*) _targets=$NAME_TARGETS;; *) _targets=$TARGETS;; esac
  _who=$PROC_AS
  case $row_root in
    both) $IS_ROOT && ! $NO_SUDO && [ -n "${SUDO_USER:-}" ] && _who="user root";;
    yes) $IS_ROOT || _who=needs_root;;
  esac
  for _t in $_targets; do
    expand_argv "$row_argv" "$_t"
    for _w in $_who; do
      if [ "$_w" = needs_root ]; then
        record "$row_name" probe probe "" "$_t" user "" "" "" "" "" "" "" "needs root"; continue
      fi
      _f=probe/$_w/$row_name@$(safe "$_t")
      run_cmd "$row_name" probe probe "" "$_t" "$_w" "$row_timeout" "$_f.out" "$_f.err"
    done
  done
}

log_row() {
  expand_argv "$row_argv" ""
  _as=user; $IS_ROOT && _as=root
  run_cmd "$row_name" log log "" "" "$_as" "$row_timeout" "log/$row_name.ndjson" "log/$row_name.err"
}

# ---- streams -----------------------------------------------------------------------------------
# stamp_lines OUT ID: prefix each line with the UTC time and a TAB; stop at $STREAM_CAP bytes, or
# when the disk is full (a last line says so; every other stream stops too).
stop_cmd() { [ -s "$META/s$1.pid" ] && kill "$(cat "$META/s$1.pid")" 2>/dev/null; }
stamp_lines() {
  _n=0
  while IFS= read -r _line || [ -n "$_line" ]; do
    _n=$((_n + ${#_line} + 22))
    if [ "$_n" -gt "$STREAM_CAP" ]; then
      append "$1" '%s\t[nettrace: truncated at %s bytes]\n' "$(now)" "$STREAM_CAP"
      : >"$META/s$2.trunc"; stop_cmd "$2"; break
    fi
    if [ -f "$META/diskfull" ] || ! printf '%s\t%s\n' "$(now)" "$_line" 2>/dev/null >>"$1"; then
      full "stream ${1##*/}"
      printf '%s\t[nettrace: stopped: disk full]\n' "$(now)" 2>/dev/null >>"$1"
      : >"$META/s$2.trunc"; stop_cmd "$2"; break
    fi
  done
  now 2>/dev/null >"$META/s$2.end"
}
N_STREAMS=0 N_PINGS=0 MONITOR_ID=
stream_row() {
  case $row_argv in *'{host}'*) _targets=$TARGETS;; *) _targets=-;; esac
  for _t in $_targets; do
    [ "$_t" = - ] && _t=
    expand_argv "$row_argv" "$_t"
    _saveifs=$IFS; IFS='
'; set -f
    # shellcheck disable=SC2086,SC2090  # split on newlines only
    set -- $CMD_WORDS
    IFS=$_saveifs; set +f
    _f=stream/$row_name${_t:+@$(safe "$_t")}.out
    why_not
    if [ -n "$WHY" ]; then
      record "$row_name" stream run "" "$_t" "$PROC_AS" "" "" "" "" "" "" "" "$WHY"; continue
    fi
    if ! command -v "$1" >/dev/null 2>&1; then
      record "$row_name" stream run "" "$_t" "$PROC_AS" "" "" "" "" "" "" "" "not found"; continue
    fi
    N_STREAMS=$((N_STREAMS + 1)); _id=$N_STREAMS
    [ -n "$_t" ] && N_PINGS=$((N_PINGS + 1))
    [ "$row_name" = route_monitor ] && MONITOR_ID=$_id
    mkdir -p "$B/stream" 2>/dev/null
    if ! : 2>/dev/null >"$B/$_f" || ! printf "%s$US%s$US%s$US%s$US%s\n" "$row_name" "$_t" "$_f" "$ARGV_JSON" "$(now)" 2>/dev/null >"$META/s$_id.info"; then
      full "cannot start $row_name"; rm -f "$B/$_f"
      record "$row_name" stream run "" "$_t" "$PROC_AS" "" "" "" "" "" "" "" "disk full"; continue
    fi
    # the command's pid goes to a file the stop step reads; if even that cannot be written, the
    # stream is stopped at once rather than left running with nobody able to stop it
    { command "$@" 2>&1 </dev/null & _cp=$!
      echo "$_cp" 2>/dev/null >"$META/s$_id.pid" || { full "stream pid"; echo "$_cp" 2>/dev/null >"$META/s$_id.pid" || kill "$_cp"; }
      wait "$_cp"; echo $? 2>/dev/null >"$META/s$_id.rc"; } 2>/dev/null \
      | stamp_lines "$B/$_f" "$_id" &
    STREAM_IDS="$STREAM_IDS $_id"
    eval "STREAM_PID_$_id=\$!"
  done
}
stop_streams() {
  # route -n monitor does not flush RTM_IFINFO and other messages without addresses (they can sit
  # in its stdout buffer): a routing-socket read of lo0 makes it print an RTM_GET and flush
  if [ -n "$MONITOR_ID" ] && [ ! -f "$META/diskfull" ] && command -v route >/dev/null 2>&1; then
    note "draining route monitor (route -n get 127.0.0.1)"
    route -n get 127.0.0.1 >/dev/null 2>&1 </dev/null &
    _dr=$!; sleep 1; kill "$_dr" 2>/dev/null; wait "$_dr" 2>/dev/null
  fi
  for _id in $STREAM_IDS; do
    _i=0; while [ ! -s "$META/s$_id.pid" ] && [ $_i -lt 20 ] && kill -0 "$(eval "echo \$STREAM_PID_$_id")" 2>/dev/null; do
      sleep 1; _i=$((_i + 1)); done
    : >"$META/s$_id.stop" 2>/dev/null; stop_cmd "$_id"
  done
  for _id in $STREAM_IDS; do
    eval "wait \$STREAM_PID_$_id" 2>/dev/null
    _nm='' _t='' _f='' ARGV_JSON='' _t0=''
    IFS=$US read -r _nm _t _f ARGV_JSON _t0 <"$META/s$_id.info"
    _rc=$(cat "$META/s$_id.rc" 2>/dev/null)
    [ -f "$META/s$_id.stop" ] && [ "${_rc:-143}" -gt 128 ] && _rc=   # stopped by us: no exit code
    _tr=false; [ -f "$META/s$_id.trunc" ] && _tr=true
    record "$_nm" stream run "" "$_t" "$PROC_AS" "$_f" "" "$_t0" "$(cat "$META/s$_id.end" 2>/dev/null || now)" "$_rc" false "$_tr" ""
  done
  STREAM_IDS=
}

# ---- progress on stderr ------------------------------------------------------------------------
PERIODIC=0 LAST_LINE=0
progress() { # ELAPSED
  _msg=$(printf '[ %ss / %ss ] streaming route monitor + %s ping loops, %s snapshots' \
    "$1" "$DURATION" "$N_PINGS" "$PERIODIC")
  if [ -t 2 ]; then printf '\r%s ' "$_msg" >&2
  elif [ $(($1 - LAST_LINE)) -ge 10 ]; then LAST_LINE=$1; printf '%s\n' "$_msg" >&2; fi
}

# ---- the capture -------------------------------------------------------------------------------
PROC_AS=user; $IS_ROOT && PROC_AS=root
$IS_ROOT || say "not root: lsof and pfctl are skipped and probes run once; for everything run: sudo sh $0"
say "capturing for ${DURATION}s (Ctrl-C stops early and still writes the bundle)"

snapshots start
GATEWAY=$(awk '$1 == "gateway:" { print $2; exit }' "$B/start/route_get_default.out" 2>/dev/null)
is_ip "$GATEWAY" || GATEWAY=
if [ -z "$GATEWAY" ]; then
  # a full-tunnel VPN's default has no gateway; the physical link's ifscoped default still has one
  GATEWAY=$(awk '$1 == "default" && $3 ~ /I/ && $4 !~ /^(utun|ipsec|ppp|feth|gif|stf|lo|bridge|awdl|llw|anpi|ap)[0-9]/ \
    && $2 ~ /^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+$/ { print $2; exit }' "$B/start/netstat_routes.out" 2>/dev/null)
  is_ip "$GATEWAY" || GATEWAY=
  [ -n "$GATEWAY" ] && note "the default route has no gateway (a tunnel?); probing $GATEWAY, the ifscoped default of the physical interface"
fi
[ -n "$GATEWAY" ] || note "no default gateway found in route -n get default or netstat -rn"
TARGETS="$GATEWAY $PROBES" NAME_TARGETS=
for _p in $PROBES; do is_ip "$_p" || NAME_TARGETS="$NAME_TARGETS $_p"; done

T0=$(epoch)
for_rows stream run stream_row
for_rows probe start probe_row
NEXT=$((T0 + INTERVAL))
while ! $INTERRUPTED && [ ! -f "$META/diskfull" ]; do
  _now=$(epoch)
  # a snapshot due inside the window is taken even when a slow start-up or the last snapshot ran
  # past its time; one late snapshot stands for the ones missed (no back-to-back catch-up)
  if [ "$_now" -ge "$NEXT" ] && [ "$NEXT" -lt $((T0 + DURATION)) ]; then
    PERIODIC=$((PERIODIC + 1)); NEXT=$((NEXT + INTERVAL))
    [ "$NEXT" -le "$_now" ] && NEXT=$((_now + INTERVAL))
    snapshots periodic "$PERIODIC"
  fi
  [ "$_now" -ge $((T0 + DURATION)) ] && break
  progress $((_now - T0))
  sleep 1
done
[ -t 2 ] && printf '\n' >&2
[ -f "$META/diskfull" ] && note "the disk is full ($(cat "$META/diskfull" 2>/dev/null)): streams stopped, the remaining commands are skipped"
stop_streams
snapshots end
[ "$LOGS" -gt 0 ] && for_rows log end log_row
ENDED_AT=$(now)
{ printf 'host\t%s\nuser\t%s\ngateway\t%s\n' "$HOST" "$INVOKER" "$GATEWAY"
  for _p in $PROBES; do printf 'probe\t%s\n' "$_p"; done; } 2>/dev/null >"$META/info" ||
  { full "cannot write info"; printf 'host\t%s\nuser\t%s\ngateway\t%s\n' "$HOST" "$INVOKER" "$GATEWAY" >"$META/info"
    for _p in $PROBES; do printf 'probe\t%s\n' "$_p" >>"$META/info"; done; }

# ---- redaction ---------------------------------------------------------------------------------
# One awk program reads the list of members and every member (BEGIN only, getline: no argument
# list, so no run is too long for it). Pass 1 collects the user names (ps rows with a uid of 500
# or more, /Users/NAME paths) next to the invoker and the host name the script passes in a file
# (awk -v would eat backslashes). Pass 2 writes every member, redacted, into a second tree with
# redacted names, plus the script's records and info. It fails (exit 2) on any read or write
# error; then the capture writes no bundle. BWK-awk compatible (no gawk extensions, no {n}).
REDACT_AWK='
function fail(msg) { printf "nettrace-capture: redaction failed: %s\n", msg > "/dev/stderr"; FAILED = 1; exit 2 }
function adduser(v,   k) {
  k = tolower(v)
  if (v == "" || k == "root" || v ~ /^[0-9]+$/ || (k in SEEN)) return
  SEEN[k] = 1; NU++; NAMES[++NN] = v; TOK[NN] = "user" NU
}
function addhost(v,   k) {
  k = tolower(v)
  if (v == "" || (k in SEEN)) return
  SEEN[k] = 1; NAMES[++NN] = v; TOK[NN] = "host1"; NH++
}
function namesub(s, name, tok,   low, out, i, pre, post, n) {
  low = tolower(name); n = length(name); out = ""
  while ((i = index(tolower(s), low)) > 0) {
    pre = (i > 1) ? substr(s, i - 1, 1) : ""; post = substr(s, i + n, 1)
    if (pre ~ /[A-Za-z0-9_-]/ || post ~ /[A-Za-z0-9_-]/) { out = out substr(s, 1, i + n - 1) }
    else { out = out substr(s, 1, i - 1) tok }
    s = substr(s, i + n)
  }
  return out s
}
function hex2(h) { h = tolower(h); return (length(h) == 1) ? "0" h : h }
function hexval(c) { return index("0123456789abcdef", tolower(c)) - 1 }
function mactok(m,   p, k, i, n) {
  n = split(m, p, ":"); k = hex2(p[1])
  for (i = 2; i <= n; i++) k = k ":" hex2(p[i])
  if (hexval(substr(k, 2, 1)) % 2 == 1 || k == "00:00:00:00:00:00") return m
  if (!(k in MAP)) { NMAC++; MAP[k] = sprintf("02:00:00:00:%02x:%02x", int(NMAC / 256) % 256, NMAC % 256) }
  return MAP[k]
}
function v4pub(m,   o) {
  split(m, o, ".")
  if (o[1] > 255 || o[2] > 255 || o[3] > 255 || o[4] > 255) return 0
  if (o[1] == 0 || o[1] == 10 || o[1] == 127 || o[1] >= 224) return 0
  if (o[1] == 169 && o[2] == 254) return 0
  if (o[1] == 172 && o[2] >= 16 && o[2] <= 31) return 0
  if (o[1] == 192 && o[2] == 168) return 0
  if (o[1] == 100 && o[2] >= 64 && o[2] <= 127) return 0
  if (o[1] == 198 && (o[2] == 18 || o[2] == 19)) return 0
  if ((o[1] == 192 && o[2] == 0 && o[3] == 2) || (o[1] == 198 && o[2] == 51 && o[3] == 100) || (o[1] == 203 && o[2] == 0 && o[3] == 113)) return 0
  return 1
}
function v4tok(m) {
  if (!v4pub(m)) return m
  if (!(("4" m) in MAP)) { NV4++; MAP["4" m] = sprintf("198.%d.%d.%d", 18 + int(NV4 / 65536), int(NV4 / 256) % 256, NV4 % 256) }
  return MAP["4" m]
}
function v6tok(m,   k, c) {
  k = tolower(m); c = gsub(/:/, ":", k)
  if (c < 2 || (index(k, "::") == 0 && c != 7) || k ~ /^2001:0?db8:/) return m
  if (!(("6" k) in MAP)) { NV6++; MAP["6" k] = sprintf("2001:db8::%x", NV6) }
  return MAP["6" k]
}
# scan S with regex RE; replace matches whose neighbours are not in BEFORE/AFTER by KIND s token
function scan(s, re, before, after, kind,   out, m, a, z) {
  out = ""
  while (match(s, re)) {
    m = substr(s, RSTART, RLENGTH); a = (RSTART > 1) ? substr(s, RSTART - 1, 1) : ""
    z = substr(s, RSTART + RLENGTH, 2)
    if (a ~ before || substr(z, 1, 1) ~ after || (kind == "4" && z ~ /^\.[0-9]/)) {
      out = out substr(s, 1, RSTART); s = substr(s, RSTART + 1); continue
    }
    out = out substr(s, 1, RSTART - 1) (kind == "m" ? mactok(m) : kind == "4" ? v4tok(m) : v6tok(m))
    s = substr(s, RSTART + RLENGTH)
  }
  return out s
}
function red(s,   i) {
  for (i = 1; i <= NN; i++) s = namesub(s, NAMES[ORD[i]], TOK[ORD[i]])
  if (index(s, ":") > 0) {
    s = scan(s, MACRE, "[0-9A-Fa-f:]", "[0-9A-Fa-f:]", "m")
    s = scan(s, V6RE, "[0-9A-Za-z:.]", "[0-9A-Za-z:]", "6")
  }
  if (s ~ /[0-9]\.[0-9]/) s = scan(s, "[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+", "[0-9.]", "[0-9]", "4")
  return s
}
# a member path: only the file name can hold values (probe targets); the folders are fixed
function newpath(p,   i) {
  i = length(p); while (i > 0 && substr(p, i, 1) != "/") i--
  return substr(p, 1, i) red(substr(p, i + 1))
}
function collect(f,   line, rc, isps, a, s, p, nm) {
  isps = (f ~ /^(start|end)\/ps\.out$/)
  while ((rc = (getline line < (B "/" f))) > 0) {
    if (isps) { split(line, a, " "); if (a[3] ~ /^[0-9]+$/ && a[3] + 0 >= 500 && a[3] + 0 < 4294967294) adduser(a[4]) }
    s = line
    while ((p = index(s, "/Users/")) > 0) {
      s = substr(s, p + 7)
      if (match(s, /^[A-Za-z0-9_.-]+/)) { nm = substr(s, 1, RLENGTH); if (nm != "Shared" && nm != ".localized") adduser(nm) }
    }
  }
  if (rc < 0) fail("cannot read " f)
  close(B "/" f)
}
function redact_file(src, dst, records,   line, rc, n, f, k, i, j, out) {
  n = 0
  while ((rc = (getline line < src)) > 0) {
    if (records) {
      while ((j = index(line, RSC)) > 0) line = substr(line, j + 1)
      k = split(line, f, US)
      if (k == 15) {
        f[5] = red(f[5]); f[7] = red(f[7]); if (f[8] != "") f[8] = newpath(f[8]); if (f[9] != "") f[9] = newpath(f[9])
        out = RSC f[1]; for (i = 2; i <= 15; i++) out = out US f[i]; line = out
      } else line = ""
    } else line = red(line)
    print line > dst; n++
  }
  if (rc < 0) fail("cannot read " src)
  close(src)
  if (n == 0) printf "" > dst
  if (close(dst) != 0) fail("cannot write " dst " (disk full?)")
}
BEGIN {
  B = ARGV[1]; R = ARGV[2]; M = ARGV[3]; ARGC = 1
  US = sprintf("%c", 31); RSC = sprintf("%c", 30)
  H = "[0-9A-Fa-f][0-9A-Fa-f]?"; MACRE = H ":" H ":" H ":" H ":" H ":" H
  V6RE = "[23][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]:[0-9A-Fa-f:]*[0-9A-Fa-f]"
  while ((rc = (getline line < (M "/names"))) > 0) {
    v = substr(line, 3)
    if (substr(line, 1, 1) == "u") adduser(v)
    else { addhost(v); gsub(/-/, " ", v); addhost(v) }
  }
  if (rc < 0) fail("cannot read the name list")
  close(M "/names")
  n = 0
  while ((rc = (getline line < (M "/members"))) > 0) { sub(/^\.\//, "", line); if (line != "") FILES[++n] = line }
  if (rc < 0 || n == 0) fail("cannot read the member list")
  close(M "/members")
  for (i = 1; i <= n; i++) collect(FILES[i])
  # longest names first, so "ann.lee" is replaced before "ann"
  for (i = 1; i <= NN; i++) ORD[i] = i
  for (i = 2; i <= NN; i++) for (j = i; j > 1 && length(NAMES[ORD[j]]) > length(NAMES[ORD[j - 1]]); j--) { t = ORD[j]; ORD[j] = ORD[j - 1]; ORD[j - 1] = t }
  for (i = 1; i <= n; i++) redact_file(B "/" FILES[i], R "/" newpath(FILES[i]), 0)
  redact_file(M "/records", M "/records.r", 1)
  redact_file(M "/info", M "/info.r", 0)
  printf "%d %d %d\n", n, NU, NH > (M "/redact.sum")
  if (close(M "/redact.sum") != 0) fail("cannot write the summary")
  exit 0
}'
REDACTION=
redact() {
  _r=$WORK/.redacted
  rm -rf "$_r" "$META/redact.sum"
  (cd "$B" && find . -type f) | sort >"$META/members" || return 1
  mkdir -p "$_r" || return 1
  (cd "$B" && find . -type d) | (cd "$_r" && xargs mkdir -p) || return 1
  printf 'u\t%s\nh\t%s\n' "$INVOKER" "$HOST" >"$META/names" || return 1
  printf '%s\n' "$REDACT_AWK" >"$META/redact.awk" || return 1
  awk -f "$META/redact.awk" "$B" "$_r" "$META" || return 1
  read -r _rn _ru _rh <"$META/redact.sum" || return 1
  [ "$_rn" = "$(wc -l <"$META/members" | tr -d ' ')" ] || return 1
  mv "$META/records.r" "$META/records" && mv "$META/info.r" "$META/info" || return 1
  mv "$B" "$WORK/.unredacted" && mv "$_r" "$B" && rm -rf "$WORK/.unredacted" || return 1
  REDACTION="{\"members\": $_rn, \"users\": $_ru, \"hosts\": $_rh}"
}

# ---- manifest and tarball ----------------------------------------------------------------------
json_int_or_null() { if is_uint "$1"; then echo "$1"; else echo null; fi; }
swv() { awk -F':' -v k="$1" '$1 == k { v = $2; gsub(/^[ \t]+|[ \t]+$/, "", v); print v; exit }' "$B/start/sw_vers.out" 2>/dev/null; }
info() { awk -F"$TAB" -v k="$1" '$1 == k { print $2 }' "$META/info"; }
# prepare_files: the records as clean lines (a line half-written on a full disk dropped) and the
# list of their files, two lines per record; sizes and hashes in batches of 200 files (xargs:
# no argument list grows with the run).
prepare_files() {
  awk -F"$US" -v clean="$META/records.ok" -v files="$META/files" '
    { n = split($0, p, sprintf("%c", 30)); line = p[n]
      if (split(line, f, FS) != 15 || f[1] == "") next
      print line > clean; print (f[8] == "" ? "/dev/null" : f[8]) > files; print (f[9] == "" ? "/dev/null" : f[9]) > files }
    END { printf "" > clean; printf "" > files; if (close(clean) != 0 || close(files) != 0) exit 2 }' "$META/records" || return 1
  (cd "$B" && xargs -n 200 cksum <"$META/files") >"$META/sizes" 2>/dev/null
  # shellcheck disable=SC2086  # $SHA256 is a command and its options
  (cd "$B" && xargs -n 200 $SHA256 <"$META/files") >"$META/sums" 2>/dev/null
  return 0
}
MANIFEST_BAD=
write_manifest() {
  MANIFEST_BAD=
  _probes=; for _p in $(info probe); do _probes="${_probes:+$_probes, }$(json_str "$_p")"; done
  _full=false; [ -f "$META/diskfull" ] && _full=true
  _red=false; [ -n "$REDACTION" ] && _red=true
  printf '{\n  "schema_version": 1,\n  "capture_version": %s,\n  "host": %s,\n' \
    "$(json_str "$CAPTURE_VERSION")" "$(json_str "$(info host)")"
  printf '  "macos": {"product_name": %s, "product_version": %s, "build_version": %s},\n' \
    "$(json_or_null "$(swv ProductName)")" "$(json_or_null "$(swv ProductVersion)")" "$(json_or_null "$(swv BuildVersion)")"
  printf '  "started_at": "%s",\n  "ended_at": "%s",\n  "timezone": %s,\n' "$STARTED_AT" "$ENDED_AT" "$(json_str "$(date +%z)")"
  printf '  "uid": %s, "user": %s, "root": %s,\n  "interrupted": %s, "disk_full": %s,\n  "default_gateway": %s,\n' \
    "$(json_int_or_null "$UID_NOW")" "$(json_str "$(info user)")" "$IS_ROOT" "$INTERRUPTED" "$_full" "$(json_or_null "$(info gateway)")"
  printf '  "flags": {"duration": %s, "interval": %s, "probes": [%s],\n            "no_sudo": %s, "redact": %s, "logs": %s},\n' \
    "$DURATION" "$INTERVAL" "$_probes" "$NO_SUDO" "$REDACT" "$LOGS"
  printf '  "redaction": %s,\n' "${REDACTION:-null}"
  printf '  "commands": ['
  exec 3<"$META/sizes" 4<"$META/sums"
  _sep=
  while IFS=$US read -r _nm _kd _ph _sq _tg _as _argv _out _err _t0 _t1 _rc _to _tr _sk; do
    # every file's size and hash line must be there and name that file
    for _pair in o e; do
      if [ $_pair = o ]; then _want=${_out:-/dev/null}; else _want=${_err:-/dev/null}; fi
      read -r _x _sz _fn <&3 || _fn=
      read -r _hx _hn <&4 || _hn=
      [ "$_fn" = "$_want" ] && [ "${_hn#\*}" = "$_want" ] && is_uint "$_sz" || MANIFEST_BAD="no size or sha256 for $_want"
      if [ $_pair = o ]; then _b=$_sz _h=$_hx; else _eb=$_sz _eh=$_hx; fi
    done
    [ -n "$_out" ] || { _b=0 _h=; }
    [ -n "$_err" ] || { _eb=0 _eh=; }
    is_uint "$_sq" || _sq=null
    is_uint "$_rc" || _rc=null
    jstr _tg "$_tg"; jstr _sk "$_sk"; jstr _h "$_h"; jstr _eh "$_eh"
    jstr _out "$_out"; jstr _err "$_err"; jstr _t0 "$_t0"; jstr _t1 "$_t1"
    printf '%s\n    {"name": "%s", "kind": "%s", "phase": "%s", "seq": %s, "target": %s, "as": "%s", "argv": %s,' \
      "$_sep" "$_nm" "$_kd" "$_ph" "$_sq" "$_tg" "$_as" "$_argv"
    printf '\n     "output": %s, "stderr": %s, "started_at": %s, "ended_at": %s,' \
      "$_out" "$_err" "$_t0" "$_t1"
    printf '\n     "exit_code": %s, "timed_out": %s, "truncated": %s, "bytes": %s, "sha256": %s, "stderr_bytes": %s, "stderr_sha256": %s, "skipped": %s, "redacted": %s}' \
      "$_rc" "${_to:-false}" "${_tr:-false}" "${_b:-0}" "$_h" "${_eb:-0}" "$_eh" "$_sk" "$_red"
    _sep=,
  done <"$META/records.ok"
  exec 3<&- 4<&-
  printf '\n  ]\n}\n'
}
# manifest_ok FILE: the whole manifest is there (one entry per record, the closing brace last)
manifest_ok() {
  [ -z "$MANIFEST_BAD" ] || return 1
  [ "$(tail -n 1 "$1" 2>/dev/null)" = "}" ] || return 1
  _want=$(wc -l <"$META/records.ok" | tr -d ' ')
  _got=$(awk '/^    \{"name": /{ n++ } END { print n + 0 }' "$1")
  [ "$_want" = "$_got" ]
}
make_manifest() {
  prepare_files && write_manifest 2>/dev/null >"$META/manifest.tmp" && manifest_ok "$META/manifest.tmp" &&
    mv -f "$META/manifest.tmp" "$B/manifest.json"
}

# finish: redaction, manifest, tarball, in a background job that ignores signals (the main shell
# only says that it is finishing). Writes its exit status to $META/final.
finish() {
  trap '' INT TERM HUP
  _part=$OUTFILE.part
  if $REDACT; then
    note "redacting"
    NOTES=false   # capture.log is a member: nothing unredacted is added after this point
    if ! redact; then
      rm -rf "$WORK/.redacted" "$META/reserve"   # the partial copy goes: room for the status
      : >"$META/keep"
      say "error: --redact failed, so no bundle was written (nothing unredacted is shared). The unredacted capture is in $B; free some space (the redaction needs as much again as the capture) and run the capture again"
      return 1
    fi
  fi
  if ! make_manifest; then
    [ -z "$MANIFEST_BAD" ] && full "cannot write the manifest"
    if [ -n "$MANIFEST_BAD" ] || ! make_manifest; then
      : >"$META/keep"
      say "error: could not write a complete manifest (${MANIFEST_BAD:-disk full?}), so no bundle was written; the captured files are in $B"
      return 1
    fi
  fi
  rm -f "$META/reserve"
  if tar -czf "$_part" -C "$WORK" "$NAME" 2>"$META/tar.err" && tar -tzf "$_part" >/dev/null 2>&1 && mv -f "$_part" "$OUTFILE"; then
    printf '%s\n' "$OUTFILE"
  else
    rm -f "$_part"
    : >"$META/keep"
    say "error: could not write $OUTFILE ($(tail -n 1 "$META/tar.err" 2>/dev/null || echo 'disk full?')); the capture is kept in $B — free some space, then: tar -czf '$OUTFILE' -C '$WORK' '$NAME'"
    return 1
  fi
  if [ -f "$META/diskfull" ]; then
    say "warning: the disk holding $WORK filled up ($(cat "$META/diskfull" 2>/dev/null)): the streams stopped early and later commands were skipped; the bundle holds what was captured until then: $OUTFILE"
    return 3
  fi
  return 0
}
FINAL=true
( finish; echo $? >"$META/final" ) &
_fin=$!
while :; do
  wait "$_fin"
  kill -0 "$_fin" 2>/dev/null || break   # a signal only interrupted the wait: wait again
done
_status=$(cat "$META/final" 2>/dev/null)
if ! is_uint "$_status"; then
  : >"$META/keep" 2>/dev/null
  say "error: the bundle could not be finished; the captured files are in $B"
  _status=1
fi
cleanup
[ "$_status" = 1 ] && exit 1
[ "$SIGNAL_RC" != 0 ] && exit "$SIGNAL_RC"
exit "$_status"
