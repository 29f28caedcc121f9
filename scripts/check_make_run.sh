#!/usr/bin/env bash
# Proof of the README contract: a clean clone of this repository, on a machine with nothing but
# Python, `make run` creates the virtualenv, installs, migrates, loads the demo data, (trains),
# and serves http://127.0.0.1:$PORT. Prints what it saw and stops the server again.
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

# A fresh machine has none of these: the clone must use its own instance folder.
unset DATABASE_URL MIXMAP_MODEL_DIR SECRET_KEY VIRTUAL_ENV

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        # setsid made make the leader of its own process group: stop make, gunicorn and workers.
        kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
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

echo "--- make run output (setup part) ---"
grep -v -E '^\s*$|GET /|Booting worker|Listening at|Using worker|Starting gunicorn' "$LOG" \
    | grep -v -i -E 'pip|^WARNING: Location' | tail -25
echo "------------------------------------"
if [ "$code" != "200" ]; then
    echo "FAIL: $URL/login did not answer 200 within ${TIMEOUT}s (last status $code)" >&2
    tail -40 "$LOG" >&2
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
if [ -n "$CATALOG" ]; then
    # A real catalogue has no demo listener: a trained model served from it is the proof.
    echo "make_run_ok=1 catalog=$(basename "$CATALOG") seconds_to_first_page=$elapsed"
    exit 0
fi

# Log in as the demo listener through the real form (CSRF token included) and open the home page.
jar="$WORK/cookies"
token="$(curl -s -c "$jar" "$URL/login" \
    | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)"
login="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$jar" -c "$jar" \
    --data-urlencode "csrf_token=$token" --data-urlencode "email=demo@mixmap.local" \
    --data-urlencode "password=mixmap-demo" "$URL/login")"
home_logged_in="$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$URL/")"
echo "POST $URL/login as demo@mixmap.local -> $login"
echo "GET $URL/ (logged in) -> $home_logged_in"
if [ "$home_logged_in" != "200" ]; then
    echo "FAIL: the demo login did not reach the home page" >&2
    exit 1
fi
echo "make_run_ok=1 seconds_to_first_page=$elapsed"
