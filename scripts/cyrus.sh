#!/usr/bin/env bash
# A private Cyrus IMAP 3.6 (Debian 12's package) as a real JMAP server without
# RFC 9219, for the end-to-end test tests/e2e/cyrus.test.js.
#
#   bash scripts/cyrus.sh install           # Debian packages, only the missing ones (about 1 s when present)
#   bash scripts/cyrus.sh start             # a fresh instance under .cache/cyrus/ on 127.0.0.1; prints its ports
#   bash scripts/cyrus.sh append FILE DATE  # IMAP APPEND of FILE byte for byte; DATE (RFC 3339) becomes receivedAt
#   bash scripts/cyrus.sh status            # running or not, and where
#   bash scripts/cyrus.sh stop              # SIGTERM to the master process (it stops its children)
#
# `start` wipes .cache/cyrus/ and builds a new instance unless one is already
# running there (then it only says so). The instance has one user, `test`
# (password `test`), whose mailbox `user/test` is created over IMAP by the
# admin `cyrus` (without it JMAP answers accountNotFound). The ports are free
# ones picked at start, or CYRUS_HTTP_PORT / CYRUS_IMAP_PORT; they are written
# to .cache/cyrus/instance.env (HTTP_PORT, IMAP_PORT, PID, ...) for other tools.
#
# Notes (see also ../shared/cyrus-jmap.md): the package that serves JMAP is
# cyrus-caldav (its httpd); cyrus-common pulls in exim4, so the install runs
# under a /usr/sbin/policy-rc.d that stops distro services from starting.
# Cyrus logs through syslog, and nothing listens on /dev/log here: when the
# instance misbehaves, only .cache/cyrus/master.log (the master's own log) is
# available.
set -euo pipefail

CALLER_DIR=$PWD
cd "$(dirname "$0")/.."
ROOT=$PWD
BASE=${CYRUS_DIR:-$ROOT/.cache/cyrus}
CYRUS_BIN=/usr/lib/cyrus/bin
PACKAGES=(cyrus-imapd cyrus-common cyrus-caldav cyrus-admin cyrus-clients sasl2-bin python3)
MAIL_USER=test
MAIL_PASS=test
ENV_FILE=$BASE/instance.env
PID_FILE=$BASE/run/master.pid

say() { printf 'cyrus: %s\n' "$*"; }
die() { printf 'cyrus: error: %s\n' "$*" >&2; exit 1; }

usage() {
    echo "usage: $0 install | start | append FILE DATE | status | stop" >&2
    exit 2
}

# --- install -------------------------------------------------------------

missing_packages() {
    local p status
    for p in "${PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || printf '%s\n' "$p"
    done
}

cmd_install() {
    [ "$(id -u)" = 0 ] || die "install needs root (apt-get)"
    local missing
    mapfile -t missing < <(missing_packages)
    if [ ${#missing[@]} -eq 0 ]; then
        say "packages present: ${PACKAGES[*]}"
    else
        say "installing ${missing[*]}"
        # Keep the distro's own cyrus-imapd and exim4 services from starting.
        # An existing policy-rc.d (e.g. Docker's) is left as it is.
        local made_policy=0
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\n# temporary, scripts/cyrus.sh install\nexit 101\n' > /usr/sbin/policy-rc.d
            chmod 755 /usr/sbin/policy-rc.d
            made_policy=1
            trap 'rm -f /usr/sbin/policy-rc.d' EXIT
        fi
        local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends)
        if ! "${apt[@]}" "${missing[@]}" > "${TMPDIR:-/tmp}/cyrus-apt.log" 2>&1; then
            # Most often stale package lists: refresh them once and retry.
            say "apt-get install failed; running apt-get update and retrying"
            apt-get update -q > /dev/null || die "apt-get update failed"
            if ! "${apt[@]}" "${missing[@]}" > "${TMPDIR:-/tmp}/cyrus-apt.log" 2>&1; then
                tail -n 20 "${TMPDIR:-/tmp}/cyrus-apt.log" >&2
                die "apt-get install ${missing[*]} failed (log: ${TMPDIR:-/tmp}/cyrus-apt.log)"
            fi
        fi
        if [ $made_policy = 1 ]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
        mapfile -t missing < <(missing_packages)
        [ ${#missing[@]} -eq 0 ] || die "still missing after apt-get: ${missing[*]}"
    fi
    [ -x $CYRUS_BIN/master ] || die "$CYRUS_BIN/master not found after the install"
    [ -x $CYRUS_BIN/httpd ] || die "$CYRUS_BIN/httpd not found (cyrus-caldav ships it)"
    if ! $CYRUS_BIN/cyr_buildinfo 2>/dev/null | tr -d ' \n' | grep -q '"jmap":true'; then
        die "this Cyrus build has no JMAP support (cyr_buildinfo)"
    fi
    say "ready: cyrus-imapd $(dpkg-query -W -f='${Version}' cyrus-imapd) with JMAP"
}

# --- instance state ------------------------------------------------------

load_env() {
    [ -f "$ENV_FILE" ] || return 1
    # shellcheck disable=SC1090
    . "$ENV_FILE"
}

# The master pid when the instance under $BASE is running, else nothing.
running_pid() {
    [ -f "$PID_FILE" ] || return 1
    local pid
    pid=$(tr -dc '0-9' < "$PID_FILE")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    # The pid must still be this instance's master, not a recycled pid.
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$BASE/imapd.conf" || return 1
    echo "$pid"
}

describe() {
    say "running (master pid $1) in ${BASE#"$ROOT"/}"
    say "jmap: http://127.0.0.1:$HTTP_PORT/.well-known/jmap  (user $MAIL_USER, password $MAIL_PASS)"
    say "imap: 127.0.0.1:$IMAP_PORT"
    echo "HTTP_PORT=$HTTP_PORT"
    echo "IMAP_PORT=$IMAP_PORT"
}

# A free TCP port on 127.0.0.1 (or the given fixed one).
pick_port() {
    if [ -n "${1:-}" ]; then echo "$1"; return; fi
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# --- IMAP helper (Python's imaplib; APPEND bypasses its line-ending rewrite) -

imap() {
    python3 - "$@" <<'PY'
import datetime, imaplib, re, sys

port, user, password, action = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
args = sys.argv[5:]

def fail(msg):
    print(f"cyrus: error: {msg}", file=sys.stderr)
    sys.exit(1)

class Exact(imaplib.IMAP4):
    # imaplib.append() maps every CR and LF to CRLF; the test wants Cyrus to
    # see the file's bytes untouched, so the literal is set directly.
    def append_exact(self, mailbox, date, data):
        self.literal = data
        return self._simple_command("APPEND", mailbox, date)

def imap_date(text):
    text = text.strip()
    if re.fullmatch(r'"?\d{1,2}-[A-Za-z]{3}-\d{4} \d\d:\d\d:\d\d [+-]\d{4}"?', text):
        return '"' + text.strip('"') + '"'
    try:
        when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        fail(f"DATE {text!r} is neither RFC 3339 (2025-12-30T09:00:00Z) nor an IMAP date-time")
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return imaplib.Time2Internaldate(when)

def create_user(m, mailbox):
    typ, data = m.list('""', mailbox)
    if typ == "OK" and data and data[0]:
        print(f"cyrus: mailbox {mailbox} exists")
        return
    typ, data = m.create(mailbox)
    if typ != "OK":
        fail(f"CREATE {mailbox}: {data}")
    print(f"cyrus: created mailbox {mailbox}")

def already_there(m, data, exists):
    """The UID and internal date of a message with exactly these bytes, if any."""
    if exists == 0:
        return None
    typ, sizes = m.fetch("1:*", "(UID RFC822.SIZE)")
    for line in sizes:
        if not isinstance(line, bytes):
            continue
        uid, size = re.search(rb"UID (\d+)", line), re.search(rb"RFC822\.SIZE (\d+)", line)
        if not uid or not size or int(size.group(1)) != len(data):
            continue
        typ, body = m.uid("FETCH", uid.group(1).decode(), "(INTERNALDATE BODY.PEEK[])")
        parts = [p for p in body if isinstance(p, tuple)]
        if parts and parts[0][1] == data:
            stored = re.search(rb'INTERNALDATE "([^"]+)"', parts[0][0])
            return uid.group(1).decode(), (stored.group(1).decode() if stored else "?")
    return None

def append(m, path, date):
    data = open(path, "rb").read()
    if re.search(rb"(?<!\r)\n|\r(?!\n)", data):
        print(f"cyrus: warning: {path} has bare CR or LF line ends; Cyrus stores them as CRLF, "
              "so the stored message will differ from the file", file=sys.stderr)
    internal = imap_date(date)
    typ, info = m.select("INBOX")
    if typ != "OK":
        fail(f"SELECT INBOX: {info}")
    # Identical bytes collapse into one Email in Cyrus's JMAP: skip a message
    # that is already there, so re-runs do not pile up copies.
    found = already_there(m, data, int(info[0] or 0))
    if found:
        uid, stored = found
        plain = internal.strip('"')
        note = "" if stored == plain else f" (its internal date is {stored}, not {plain})"
        print(f"cyrus: {path}: already in INBOX as UID {uid}, skipped{note}")
        return
    typ, resp = m.append_exact("INBOX", internal, data)
    if typ != "OK":
        fail(f"APPEND {path}: {resp}")
    uid = re.search(rb"APPENDUID \d+ (\d+)", resp[0] or b"")
    print(f"cyrus: appended {path} ({len(data)} bytes, {internal})"
          + (f" as UID {uid.group(1).decode()}" if uid else ""))

try:
    m = Exact("127.0.0.1", port)
except OSError as e:
    fail(f"cannot reach IMAP on 127.0.0.1:{port}: {e}")
try:
    m.login(user, password)
    if action == "create-user":
        create_user(m, *args)
    elif action == "append":
        append(m, *args)
    else:
        fail(f"unknown IMAP action {action}")
    m.logout()
except (imaplib.IMAP4.error, OSError) as e:
    fail(f"IMAP {action} as {user}: {e}")
PY
}

# --- start / stop --------------------------------------------------------

write_config() {
    cat > "$BASE/imapd.conf" <<CONF
# Generated by scripts/cyrus.sh start: a throw-away instance on 127.0.0.1.
configdirectory: $BASE/conf
defaultpartition: default
partition-default: $BASE/spool
sievedir: $BASE/sieve
proc_path: $BASE/run/proc
mboxname_lockpath: $BASE/run/lock
lmtpsocket: $BASE/run/socket/lmtp
idlesocket: $BASE/run/socket/idle
notifysocket: $BASE/run/socket/notify
servername: localhost
admins: cyrus
unixhierarchysep: yes
allowplaintext: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $BASE/sasldb2
sasl_mech_list: PLAIN LOGIN
httpmodules: jmap
conversations: yes
conversations_db: twoskip
search_engine: xapian
search_index_headers: no
defaultsearchtier: t1
t1searchpartition-default: $BASE/search
syslog_prefix: cyrus-jmap-smime
CONF
    cat > "$BASE/cyrus.conf" <<CONF
# Generated by scripts/cyrus.sh start.
START {
  recover cmd="$CYRUS_BIN/ctl_cyrusdb -C $BASE/imapd.conf -r"
}
SERVICES {
  imap cmd="$CYRUS_BIN/imapd -C $BASE/imapd.conf" listen="127.0.0.1:$IMAP_PORT" prefork=0
  http cmd="$CYRUS_BIN/httpd -C $BASE/imapd.conf" listen="127.0.0.1:$HTTP_PORT" prefork=0
}
EVENTS {
  checkpoint cmd="$CYRUS_BIN/ctl_cyrusdb -C $BASE/imapd.conf -c" period=30
}
CONF
}

# Wait until both services accept a connection and greet.
wait_ready() {
    python3 - "$IMAP_PORT" "$HTTP_PORT" <<'PY'
import socket, sys, time
imap_port, http_port = int(sys.argv[1]), int(sys.argv[2])
deadline = time.monotonic() + 15
def probe(port, send):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        if send:
            s.sendall(send)
        return s.recv(64)
while True:
    try:
        if probe(imap_port, None).startswith(b"* OK") and probe(http_port, b"HEAD / HTTP/1.0\r\n\r\n").startswith(b"HTTP/"):
            sys.exit(0)
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit(1)
    time.sleep(0.05)
PY
}

cmd_start() {
    [ -x $CYRUS_BIN/master ] || die "Cyrus is not installed: run 'bash scripts/cyrus.sh install' first"
    command -v saslpasswd2 >/dev/null || die "saslpasswd2 missing (sasl2-bin): run 'bash scripts/cyrus.sh install'"
    local pid
    if pid=$(running_pid) && load_env; then
        say "already running; nothing to do"
        describe "$pid"
        return 0
    fi
    [ "$(id -u)" = 0 ] || die "start needs root (the master drops to the cyrus user)"
    case "$BASE" in /|"") die "refusing to use '$BASE' as the instance folder" ;; esac
    local t0=$SECONDS
    # A fresh instance every time: a mailbox left from an earlier run would
    # hold its messages (and identical bytes collapse into one Email).
    rm -rf "$BASE"
    mkdir -p "$BASE"/conf/{db,socket,log,msg,user,quota,lock,proc} "$BASE"/{spool,search,sieve} \
        "$BASE"/run/{socket,proc,lock}
    HTTP_PORT=$(pick_port "${CYRUS_HTTP_PORT:-}")
    IMAP_PORT=$(pick_port "${CYRUS_IMAP_PORT:-}")
    [ "$HTTP_PORT" != "$IMAP_PORT" ] || IMAP_PORT=$(pick_port "")
    ADMIN_PASS=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    write_config
    # The SASL realm must equal servername (localhost).
    printf '%s' "$ADMIN_PASS" | saslpasswd2 -f "$BASE/sasldb2" -p -c -u localhost cyrus
    printf '%s' "$MAIL_PASS" | saslpasswd2 -f "$BASE/sasldb2" -p -c -u localhost "$MAIL_USER"
    chown -R cyrus:mail "$BASE"
    chmod 750 "$BASE"
    chmod 640 "$BASE/sasldb2"
    {
        echo "# written by scripts/cyrus.sh start"
        echo "HTTP_PORT=$HTTP_PORT"
        echo "IMAP_PORT=$IMAP_PORT"
        echo "ADMIN_PASS=$ADMIN_PASS"
        echo "MAIL_USER=$MAIL_USER"
        echo "MAIL_PASS=$MAIL_PASS"
    } > "$ENV_FILE"
    chmod 600 "$ENV_FILE"

    if ! $CYRUS_BIN/master -C "$BASE/imapd.conf" -M "$BASE/cyrus.conf" -p "$PID_FILE" -L "$BASE/master.log" -d; then
        die "the master process did not start (see ${BASE#"$ROOT"/}/master.log)"
    fi
    if ! wait_ready; then
        [ -f "$BASE/master.log" ] && tail -n 20 "$BASE/master.log" >&2
        cmd_stop >&2 || true
        die "Cyrus did not answer on 127.0.0.1:$IMAP_PORT (IMAP) and :$HTTP_PORT (HTTP) within 15 s"
    fi
    pid=$(running_pid) || die "the master started but its pid file ${PID_FILE#"$ROOT"/} is missing"
    echo "PID=$pid" >> "$ENV_FILE"
    if ! imap "$IMAP_PORT" cyrus "$ADMIN_PASS" create-user "user/$MAIL_USER"; then
        cmd_stop >&2 || true
        die "could not create the mailbox user/$MAIL_USER"
    fi
    say "started in $((SECONDS - t0)) s"
    describe "$pid"
}

cmd_stop() {
    local pid
    if ! pid=$(running_pid); then
        say "not running"
        return 0
    fi
    local children
    children=$(ps -o pid= --ppid "$pid" 2>/dev/null | tr -s ' \n' ' ' || true)
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do
        if ! kill -0 "$pid" 2>/dev/null; then
            say "stopped (master pid $pid)"
            return 0
        fi
        sleep 0.1
    done
    say "master pid $pid ignored SIGTERM for 10 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for i in $children; do kill -KILL "$i" 2>/dev/null || true; done
    say "stopped (killed)"
}

cmd_status() {
    local pid
    if pid=$(running_pid) && load_env; then
        describe "$pid"
    else
        say "not running"
        return 3
    fi
}

cmd_append() {
    [ $# -eq 2 ] || { echo "usage: $0 append FILE DATE   (DATE: RFC 3339, e.g. 2025-12-30T09:00:00Z)" >&2; exit 2; }
    local file=$1
    case "$file" in /*) ;; *) file=$CALLER_DIR/$file ;; esac
    [ -f "$file" ] || die "no such file: $1"
    running_pid > /dev/null && load_env || die "not running: run 'bash scripts/cyrus.sh start' first"
    imap "$IMAP_PORT" "$MAIL_USER" "$MAIL_PASS" append "$file" "$2"
}

case "${1:-}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    append) shift; cmd_append "$@" ;;
    *) usage ;;
esac
