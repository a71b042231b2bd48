#!/bin/sh
# shellcheck disable=SC2329  # the row handlers are called through for_rows
# nettrace-capture.sh: collect network evidence on a Mac into one bundle (nettrace-<host>-<time>.tar.gz).
#
# READ-ONLY: it runs only the commands listed in the catalog below (plus date, id, hostname and
# the tools that write the bundle); it never changes routes, interfaces, ARP/NDP, pf, services or
# processes other than its own children. POSIX sh: macOS /bin/sh, bash 3.2, zsh, dash.
# Generated from the nettrace package (`nettrace capture-script`); the bundle format is
# docs/bundle-format.md. Run `sh nettrace-capture.sh --help` for the options.

CAPTURE_VERSION=0.1.0
if [ -n "${ZSH_VERSION:-}" ]; then emulate sh; fi   # `zsh nettrace-capture.sh`: behave as sh
LC_ALL=C
export LC_ALL
if [ -n "${NETTRACE_PATH:-}" ]; then
  PATH=$NETTRACE_PATH                 # tests: the fake Mac replaces PATH entirely
else
  PATH=/usr/bin:/bin:/usr/sbin:/sbin:/usr/libexec:$PATH
fi
export PATH
TAB=$(printf '\t')
US=$(printf '\037')   # field separator of the script's own records (keeps empty fields)
STREAM_CAP=${NETTRACE_STREAM_CAP:-67108864}   # bytes per stream file (64 MiB); NETTRACE_TIMEOUT_CAP caps timeouts

# Unified-log predicate for --logs: configd, the networking daemons and known VPN processes.
# shellcheck disable=SC2089  # the quotes belong to the predicate, which is passed as one word
PREDICATE='process == "configd" OR process == "networkd" OR process == "mDNSResponder" OR process == "nehelper" OR process == "nesessionmanager" OR process == "IPConfiguration" OR process == "openconnect" OR process == "vpnc" OR process == "zerotier-one" OR process == "tailscaled" OR process == "MacEthernetTapAgent" OR process == "wireguard-go" OR subsystem BEGINSWITH "com.apple.network"'

# >>> catalog (generated from nettrace/data/catalog.tsv; do not edit by hand) >>>
CATALOG=$(cat <<'NETTRACE_CATALOG'
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
NETTRACE_CATALOG
)
# <<< catalog <<<

usage() {
  cat <<'EOF'
Usage: sudo sh nettrace-capture.sh [options]

Collects routes, interfaces, ARP/NDP, DNS, processes and sockets at the start and the end, streams
`route -n monitor` and a ping loop to the gateway and each probe host, probes reachability as you
and as root, and writes one bundle. It changes nothing on the machine. Run it with sudo to get
lsof, pfctl and the root probes.

Options:
  --duration S     how long to stream route changes and pings (default 120)
  --interval S     seconds between periodic netstat/ifconfig snapshots (default 10)
  --probe HOST     a host to probe (repeatable; default 1.1.1.1 and captive.apple.com);
                   the default gateway is always probed
  --no-sudo        run the probes only once (do not re-run them as the invoking user)
  --redact         replace MAC addresses, user and host names and public IPs by tokens
  --logs MINUTES   also collect the unified log of the networking daemons for the last MINUTES
  --output PATH    a .tar.gz file or a directory (default: the current directory)
  --help           this text
The bundle's path is the last line printed on stdout; progress goes to stderr.
EOF
}

die() { printf 'nettrace-capture: error: %s\n' "$*" >&2; exit 2; }

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

# ---- small helpers ---------------------------------------------------------------------------
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
epoch() { date +%s; }
note() { printf '%s %s\n' "$(now)" "$*" >>"$B/capture.log"; }

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
sha256() {  # FILE...: "<hex> <name>" per file, in order
  if command -v shasum >/dev/null 2>&1; then shasum -a 256 "$@"
  elif command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"
  else openssl dgst -sha256 -r "$@"; fi
}
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
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nettrace.XXXXXX") || die "cannot create a temporary directory; set TMPDIR to a writable place"
B=$WORK/$NAME            # the bundle directory (becomes the tarball's top-level directory)
META=$WORK/.meta         # the script's own bookkeeping, not part of the bundle
mkdir -p "$B" "$META" || die "cannot write to $WORK"
: >"$META/records"
STREAM_IDS=
INTERRUPTED=false SIGNAL_RC=0
cleanup() {
  for _id in $STREAM_IDS; do [ -f "$META/s$_id.pid" ] && kill "$(cat "$META/s$_id.pid")" 2>/dev/null; done
  rm -rf "$WORK"
}
on_signal() { INTERRUPTED=true; SIGNAL_RC=$1; note "interrupted by signal (exit $1)"; }
trap 'cleanup' EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
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
# (one \037-separated line per manifest entry; ARGV_JSON is the current command's argv)
record() {
  printf "%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s$US%s\n" "$1" "$2" "$3" "$4" "$5" "$6" \
    "$ARGV_JSON" "$7" "$8" "$9" "${10}" "${11}" "${12}" "${13}" "${14}" >>"$META/records"
}

# run_cmd NAME KIND PHASE SEQ TARGET AS TIMEOUT OUT ERR: run $CMD_WORDS under a watchdog.
# AS=user while root means `sudo -u $SUDO_USER`. Never fatal: every outcome becomes a record.
run_cmd() {
  _name=$1 _kind=$2 _phase=$3 _seq=$4 _tgt=$5 _as=$6 _to=$7 _out=$8 _err=$9
  is_uint "${NETTRACE_TIMEOUT_CAP:-}" && [ "$_to" -gt "$NETTRACE_TIMEOUT_CAP" ] && _to=$NETTRACE_TIMEOUT_CAP  # tests
  if $INTERRUPTED; then record "$_name" "$_kind" "$_phase" "$_seq" "$_tgt" "$_as" "" "" "" "" "" "" "" "interrupted"; return; fi
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
  mkdir -p "$(dirname "$B/$_out")"
  _t0=$(now); rm -f "$META/timedout"
  command "$@" >"$B/$_out" 2>"$B/$_err" </dev/null &   # `command`: never one of our functions
  _pid=$!
  ( trap 'kill "$_sl" 2>/dev/null; exit 0' TERM
    sleep "$_to" & _sl=$!; wait "$_sl"
    : >"$META/timedout"; kill "$_pid"; sleep 1 & _sl=$!; wait "$_sl"; kill -9 "$_pid" ) >/dev/null 2>&1 &
  _wd=$!
  wait "$_pid" 2>/dev/null; _rc=$?
  if $INTERRUPTED && kill -0 "$_pid" 2>/dev/null; then kill "$_pid" 2>/dev/null; wait "$_pid" 2>/dev/null; _rc=$?; fi
  kill "$_wd" 2>/dev/null; wait "$_wd" 2>/dev/null
  _tmo=false; [ -f "$META/timedout" ] && _tmo=true && note "$_name cut at its ${_to}s timeout"
  record "$_name" "$_kind" "$_phase" "$_seq" "$_tgt" "$_as" "$_out" "$_err" "$_t0" "$(now)" "$_rc" "$_tmo" false ""
}

# for_rows KIND PHASE FUNCTION: call FUNCTION for each catalog row of KIND that lists PHASE
# (sets row_name, row_root, row_timeout, row_argv). Read from a heredoc so no subshell is involved.
for_rows() {
  while IFS="$TAB" read -r row_name row_kind row_phases row_root row_timeout _parser row_argv; do
    [ "$row_kind" = "$1" ] || continue
    case ",$row_phases," in *",$2,"*) ;; *) continue;; esac
    "$3"
  done <<EOF
$CATALOG
EOF
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
# stamp_lines OUT ID: prefix each line with the UTC time and a TAB; stop at $STREAM_CAP bytes.
stamp_lines() {
  _n=0
  while IFS= read -r _line || [ -n "$_line" ]; do
    _n=$((_n + ${#_line} + 22))
    if [ "$_n" -gt "$STREAM_CAP" ]; then
      printf '%s\t[nettrace: truncated at %s bytes]\n' "$(now)" "$STREAM_CAP" >>"$1"
      : >"$META/s$2.trunc"; kill "$(cat "$META/s$2.pid")" 2>/dev/null; break
    fi
    printf '%s\t%s\n' "$(now)" "$_line" >>"$1"
  done
  now >"$META/s$2.end"
}
N_STREAMS=0 N_PINGS=0
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
    if $INTERRUPTED; then
      record "$row_name" stream run "" "$_t" "$PROC_AS" "" "" "" "" "" "" "" "interrupted"; continue
    fi
    if ! command -v "$1" >/dev/null 2>&1; then
      record "$row_name" stream run "" "$_t" "$PROC_AS" "" "" "" "" "" "" "" "not found"; continue
    fi
    N_STREAMS=$((N_STREAMS + 1)); _id=$N_STREAMS
    [ -n "$_t" ] && N_PINGS=$((N_PINGS + 1))
    mkdir -p "$B/stream"; : >"$B/$_f"
    printf "%s$US%s$US%s$US%s$US%s\n" "$row_name" "$_t" "$_f" "$ARGV_JSON" "$(now)" >"$META/s$_id.info"
    { command "$@" 2>&1 </dev/null & echo $! >"$META/s$_id.pid"; wait $!; echo $? >"$META/s$_id.rc"; } 2>/dev/null \
      | stamp_lines "$B/$_f" "$_id" &
    STREAM_IDS="$STREAM_IDS $_id"
    eval "STREAM_PID_$_id=\$!"
  done
}
stop_streams() {
  for _id in $STREAM_IDS; do
    _i=0; while [ ! -s "$META/s$_id.pid" ] && [ $_i -lt 20 ]; do sleep 1; _i=$((_i + 1)); done
    : >"$META/s$_id.stop"; kill "$(cat "$META/s$_id.pid" 2>/dev/null)" 2>/dev/null
  done
  for _id in $STREAM_IDS; do
    eval "wait \$STREAM_PID_$_id" 2>/dev/null
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
$IS_ROOT || printf 'nettrace-capture: not root: lsof and pfctl are skipped and probes run once; for everything run: sudo sh %s\n' "$0" >&2
printf 'nettrace-capture: capturing for %ss (Ctrl-C stops early and still writes the bundle)\n' "$DURATION" >&2

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
while ! $INTERRUPTED; do
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
stop_streams
snapshots end
[ "$LOGS" -gt 0 ] && for_rows log end log_row
ENDED_AT=$(now)

# ---- redaction ---------------------------------------------------------------------------------
# One awk program over every file (bundle members, records, metadata and the member list), so the
# same value gets the same token everywhere. BWK-awk compatible (no gawk extensions, no {n}).
redact() {
  (cd "$B" && find . -type f) | sort >"$META/paths"
  cp "$META/paths" "$META/paths.orig"
  printf '%s\n' "$INVOKER" >"$META/names.user"
  printf '%s\n%s\n' "$HOST" "$(printf '%s' "$HOST" | tr '-' ' ')" >"$META/names.host"
  # shellcheck disable=SC2046  # member paths are sanitized: no spaces
  (cd "$B" && awk -v user="$INVOKER" -v host="$HOST" -f "$META/redact.awk" $(cat "$META/paths") \
    "$META/records" "$META/info" "$META/paths")
  while IFS= read -r _p; do
    case $_p in ./*) _p=$B/${_p#./};; esac
    [ -f "$_p.nettrace-redacted" ] && mv "$_p.nettrace-redacted" "$_p"
  done <<EOF
$(cat "$META/paths.orig")
$META/records
$META/info
$META/paths
EOF
  # member names can hold probe targets: rename them like their contents
  exec 3<"$META/paths.orig"
  while IFS= read -r _new; do
    IFS= read -r _old <&3
    [ "$_old" = "$_new" ] || { mkdir -p "$(dirname "$B/$_new")"; mv "$B/$_old" "$B/$_new"; }
  done <"$META/paths"
  exec 3<&-
}
cat >"$META/redact.awk" <<'AWK'
function namesub(s, name, tok,   low, out, i, pre, post, n) {
  if (name == "" || name == "root") return s
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
  if (hexval(substr(k, 2, 1)) % 2 == 1 || k == "00:00:00:00:00:00") return m   # multicast/broadcast/zero
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
# scan S with regex RE; replace matches whose neighbours are not in BEFORE/AFTER by KIND's token
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
BEGIN {
  H = "[0-9A-Fa-f][0-9A-Fa-f]?"; MACRE = H ":" H ":" H ":" H ":" H ":" H
  V6RE = "[23][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]:[0-9A-Fa-f:]*[0-9A-Fa-f]"
  hostsp = host; gsub(/-/, " ", hostsp)
}
FNR == 1 { if (OUT != "") close(OUT); OUT = FILENAME ".nettrace-redacted" }
{
  s = namesub($0, host, "host1"); if (hostsp != host) s = namesub(s, hostsp, "host1")
  s = namesub(s, user, "user1")
  if (index(s, ":") > 0) {
    s = scan(s, MACRE, "[0-9A-Fa-f:]", "[0-9A-Fa-f:]", "m")
    s = scan(s, V6RE, "[0-9A-Za-z:.]", "[0-9A-Za-z:]", "6")
  }
  if (s ~ /[0-9]\.[0-9]/) s = scan(s, "[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+", "[0-9.]", "[0-9]", "4")
  print s > OUT
}
AWK

# ---- manifest and tarball ----------------------------------------------------------------------
json_bool() { case $1 in true) echo true;; *) echo false;; esac; }
json_int_or_null() { if is_uint "$1"; then echo "$1"; else echo null; fi; }
swv() { awk -F':' -v k="$1" '$1 == k { v = $2; gsub(/^[ \t]+|[ \t]+$/, "", v); print v; exit }' "$B/start/sw_vers.out" 2>/dev/null; }
{ printf 'host\t%s\nuser\t%s\ngateway\t%s\n' "$HOST" "$INVOKER" "$GATEWAY"
  for _p in $PROBES; do printf 'probe\t%s\n' "$_p"; done; } >"$META/info"
if $REDACT; then note "redacting"; redact; fi
info() { awk -F"$TAB" -v k="$1" '$1 == k { print $2 }' "$META/info"; }
write_manifest() {
  _probes=; for _p in $(info probe); do _probes="${_probes:+$_probes, }$(json_str "$_p")"; done
  printf '{\n  "schema_version": 1,\n  "capture_version": %s,\n  "host": %s,\n' \
    "$(json_str "$CAPTURE_VERSION")" "$(json_str "$(info host)")"
  printf '  "macos": {"product_name": %s, "product_version": %s, "build_version": %s},\n' \
    "$(json_or_null "$(swv ProductName)")" "$(json_or_null "$(swv ProductVersion)")" "$(json_or_null "$(swv BuildVersion)")"
  printf '  "started_at": "%s",\n  "ended_at": "%s",\n  "timezone": %s,\n' "$STARTED_AT" "$ENDED_AT" "$(json_str "$(date +%z)")"
  printf '  "uid": %s, "user": %s, "root": %s,\n  "interrupted": %s,\n  "default_gateway": %s,\n' \
    "$(json_int_or_null "$UID_NOW")" "$(json_str "$(info user)")" "$IS_ROOT" "$INTERRUPTED" "$(json_or_null "$(info gateway)")"
  printf '  "flags": {"duration": %s, "interval": %s, "probes": [%s],\n            "no_sudo": %s, "redact": %s, "logs": %s},\n' \
    "$DURATION" "$INTERVAL" "$_probes" "$NO_SUDO" "$REDACT" "$LOGS"
  printf '  "commands": ['
  # sizes and hashes of every output/stderr file in record order, two lines per record (one
  # cksum and one sha256 call in all: forking per file made this the slowest part of a run)
  awk -F"$US" '{ print ($8 == "" ? "/dev/null" : $8); print ($9 == "" ? "/dev/null" : $9) }' \
    "$META/records" >"$META/files"
  set -f
  # shellcheck disable=SC2046  # member paths are sanitized: no spaces
  set -- $(cat "$META/files")
  set +f
  (cd "$B" && cksum "$@") >"$META/sizes"
  (cd "$B" && sha256 "$@") >"$META/sums"
  exec 3<"$META/sizes" 4<"$META/sums"
  _sep=
  while IFS=$US read -r _nm _kd _ph _sq _tg _as _argv _out _err _t0 _t1 _rc _to _tr _sk; do
    read -r _x _b _x <&3; read -r _h _x <&4; read -r _x _eb _x <&3; read -r _eh _x <&4
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
    printf '\n     "exit_code": %s, "timed_out": %s, "truncated": %s, "bytes": %s, "sha256": %s, "stderr_bytes": %s, "stderr_sha256": %s, "skipped": %s}' \
      "$_rc" "${_to:-false}" "${_tr:-false}" "$_b" "$_h" "$_eb" "$_eh" "$_sk"
    _sep=,
  done <"$META/records"
  exec 3<&- 4<&-
  printf '\n  ]\n}\n'
}
write_manifest >"$B/manifest.json"
if tar -czf "$OUTFILE.part" -C "$WORK" "$NAME" && mv "$OUTFILE.part" "$OUTFILE"; then
  printf '%s\n' "$OUTFILE"
else
  rm -f "$OUTFILE.part"
  printf 'nettrace-capture: error: could not write %s (disk full? try --output /tmp)\n' "$OUTFILE" >&2
  exit 1
fi
$INTERRUPTED && exit "$SIGNAL_RC"
exit 0
