#!/usr/bin/env bash
# Proof of the README contract: a clean clone of this repository, on a machine with nothing but
# Python, `make run` creates the virtualenv, installs, migrates, loads the demo data, trains, and
# starts both processes of Procfile.dev: the web process serving http://127.0.0.1:$PORT and the
# retraining worker. Prints what it saw, then stops everything with one SIGINT to make's process
# group (what Ctrl-C in a terminal sends) and checks that no process of the run is left.
#
#   scripts/check_make_run.sh            # PORT=8050, waits up to 30 minutes for pip
#   PORT=8060 TIMEOUT=900 scripts/check_make_run.sh
#   CATALOG=../shared/data/tidytuesday/spotify_songs.csv scripts/check_make_run.sh
#                                        # `make run CATALOG=...`: the real catalogue, no demo
#
# Not part of `make test` (it installs every dependency into a fresh venv, which takes minutes).
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
# The clone lives in a temporary folder: give make the catalogue's absolute path.
CATALOG="${CATALOG:+$(realpath "$CATALOG")}"
PORT="${PORT:-8050}"
TIMEOUT="${TIMEOUT:-1800}"
URL="http://127.0.0.1:${PORT}"
WORK="$(mktemp -d)"
LOG="$WORK/make_run.log"
SERVER_PID=""
RUN_PIDS=""

# A fresh machine has none of these: the clone must use its own instance folder.
unset DATABASE_URL MIXMAP_MODEL_DIR SECRET_KEY VIRTUAL_ENV
unset MIXMAP_RETRAIN_AFTER_EVENTS MIXMAP_RETRAIN_MIN_MINUTES MIXMAP_MODEL_RELOAD_SECONDS

# Every process below make (honcho puts each Procfile process in a process group of its own).
descendants() {
    local child
    for child in $(pgrep -P "$1" || true); do
        echo "$child"
        descendants "$child"
    done
}

alive() {
    local pid left=""
    for pid in "$@"; do
        # A zombie is dead, only not yet reaped by its parent.
        state="$(ps -o stat= -p "$pid" 2>/dev/null || true)"
        if [ -n "$state" ] && [ "${state#Z}" = "$state" ]; then left="$left $pid"; fi
    done
    echo "$left"
}

cleanup() {
    local pid
    if [ -n "$SERVER_PID" ]; then
        RUN_PIDS="$RUN_PIDS $(descendants "$SERVER_PID" | tr '\n' ' ')"
        # setsid made make the leader of its own process group; the Procfile processes have theirs.
        kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
        for pid in $(alive $RUN_PIDS); do kill -KILL -- "-$pid" "$pid" 2>/dev/null || true; done
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true; }

if [ "$(status "$URL/login")" != "000" ]; then
    echo "FAIL: something already answers on $URL; stop it or set PORT=..." >&2
    exit 1
fi

git clone --quiet "$REPO" "$WORK/mixmap"
cd "$WORK/mixmap"
echo "clone: $(git log --oneline -1)"
echo "python: $(${PYTHON:-python3} --version)"
started=$(date +%s)
setsid make run PORT="$PORT" ${CATALOG:+CATALOG="$CATALOG"} >"$LOG" 2>&1 &
SERVER_PID=$!

code=000
while [ $(( $(date +%s) - started )) -lt "$TIMEOUT" ]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "FAIL: make run exited before serving; last lines of its output:" >&2
        tail -40 "$LOG" >&2
        exit 1
    fi
    code="$(status "$URL/login")"
    [ "$code" = "200" ] && break
    sleep 3
done
elapsed=$(( $(date +%s) - started ))

if [ "$code" != "200" ]; then
    echo "FAIL: $URL/login did not answer 200 within ${TIMEOUT}s (last status $code)" >&2
    tail -40 "$LOG" >&2
    exit 1
fi
# The worker answers no URL: its "Watching for ..." line says it is up and polling.
for _ in $(seq 1 60); do grep -q 'worker.1 *| Watching for' "$LOG" && break; sleep 1; done

echo "--- make run output (setup and start) ---"
grep -v -E '^\s*$|GET /|POST /' "$LOG" | grep -v -i -E 'pip|^WARNING: Location|alembic' | tail -40
echo "------------------------------------"
RUN_PIDS="$(descendants "$SERVER_PID" | tr '\n' ' ')"
run_csv="$(echo $RUN_PIDS | tr ' ' ',')"
commands="$(ps -o args= -p "$run_csv" || true)"
web_processes="$(grep -c '^[^ ]*python[^ ]* [^ ]*gunicorn app:server' <<<"$commands" || true)"
worker_processes="$(grep -c '^[^ ]*python[^ ]* [^ ]*flask --app app ml watch' <<<"$commands" || true)"
echo "processes under make run: gunicorn $web_processes (master + workers), ml watch $worker_processes"
ps -o pid,pgid,args -p "$run_csv" | cut -c1-150 || true
if [ "$web_processes" -lt 2 ] || [ "$worker_processes" -ne 1 ]; then
    echo "FAIL: make run should run a gunicorn master with workers and one ml watch worker" >&2
    exit 1
fi
if ! grep -q 'worker.1 *| Watching for' "$LOG"; then
    echo "FAIL: the worker never said it was watching for feedback" >&2
    exit 1
fi
health="$(curl -s --max-time 5 "$URL/healthz")"
home="$(status "$URL/")"
echo "GET $URL/login -> 200"
echo "GET $URL/healthz -> $health"
echo "GET $URL/ (anonymous) -> $home (the login redirect)"
case "$health" in
    *'"model":null'*|*'"model": null'*) echo "FAIL: no model is served after setup" >&2; exit 1 ;;
    *'"model"'*) ;;
    *) echo "FAIL: /healthz does not say which model is served" >&2; exit 1 ;;
esac

# One Ctrl-C: SIGINT to make's process group, as a terminal sends it. Nothing may be left.
stop_run() {
    local stopped_at left
    stopped_at=$(date +%s)
    kill -INT -- "-$SERVER_PID"
    for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    sleep 1
    left="$(alive "$SERVER_PID" $RUN_PIDS)"
    echo "--- after Ctrl-C ---"
    grep -E 'system *\||Shutting down|Stopped watching' "$LOG" | tail -8
    echo "Ctrl-C: make and its $(echo $RUN_PIDS | wc -w) processes stopped in $(( $(date +%s) - stopped_at )) s; left:${left:- none}"
    if [ -n "$left" ]; then
        echo "FAIL: processes left after Ctrl-C:" >&2
        ps -o pid,pgid,args -p "$(echo $left | tr ' ' ',')" >&2 || true
        exit 1
    fi
    SERVER_PID=""
}

if [ -n "$CATALOG" ]; then
    # A real catalogue has no demo listener: a trained model served from it is the proof.
    stop_run
    echo "make_run_ok=1 catalog=$(basename "$CATALOG") seconds_to_first_page=$elapsed"
    exit 0
fi

# Log in as the demo listener through the real form (CSRF token included) and open the home page.
# The `_csrf_token` cookie, when the server sets one, goes back in the X-CSRFToken header.
jar="$WORK/cookies"
token="$(curl -s -c "$jar" "$URL/login" \
    | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)"
cookie_token="$(awk '$6 == "_csrf_token" { print $7 }' "$jar" | tail -1)"
login="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$jar" -c "$jar" \
    ${cookie_token:+-H "X-CSRFToken: $cookie_token"} \
    --data-urlencode "csrf_token=$token" --data-urlencode "email=demo@mixmap.local" \
    --data-urlencode "password=mixmap-demo" "$URL/login")"
home_logged_in="$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$URL/")"
echo "POST $URL/login as demo@mixmap.local -> $login"
echo "GET $URL/ (logged in) -> $home_logged_in"
if [ "$home_logged_in" != "200" ]; then
    echo "FAIL: the demo login did not reach the home page" >&2
    exit 1
fi
stop_run
echo "make_run_ok=1 seconds_to_first_page=$elapsed"
