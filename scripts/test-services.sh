#!/usr/bin/env bash
# Runs a command (the test suite) with what the tests need around it: a browser, PostgreSQL and
# Redis. Used by `make test`:   scripts/test-services.sh .venv/bin/python -m pytest ...
#
# Browser: $CHROMIUM (default /usr/bin/chromium) when it is there; else Playwright's own
# chromium, downloaded when the download works; else Debian's chromium, installed when run as
# root. The command gets the browser's path in CHROMIUM (tests/e2e/conftest.py reads it).
#
# Servers: DATABASE_URL and REDIS_URL when given; else whatever answers on 127.0.0.1 on
# TEST_PG_PORT (5432) and TEST_REDIS_PORT (6379); else throwaway servers of our own, started
# from the installed binaries (the Debian packages are installed first when run as root) in a
# temporary directory on free ports, and stopped again however the command ends.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
TEST_PG_PORT=${TEST_PG_PORT:-5432}
TEST_REDIS_PORT=${TEST_REDIS_PORT:-6379}
PLAYWRIGHT_TIMEOUT=${PLAYWRIGHT_TIMEOUT:-60} # seconds the browser download may take at most

say() { printf 'test-services: %s\n' "$*" >&2; }
die() {
	printf '\ntest-services: %s\n' "$*" >&2
	exit 1
}
is_root() { [ "$(id -u)" = 0 ]; }

apt_updated=""
apt_install() {
	say "installing $* (apt-get)"
	if [ -z "$apt_updated" ]; then
		apt-get update -qq
		apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

answers() { # answers PORT: something accepts connections on 127.0.0.1:PORT
	timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- browser ----------------------------------------------------------------------------------

playwright_chromium() { # prints the path of Playwright's own chromium when it is installed
	"$PYTHON" - <<-'EOF' 2>/dev/null
		import os
		from playwright.sync_api import sync_playwright
		with sync_playwright() as p:
		    path = p.chromium.executable_path
		if os.access(path, os.X_OK):
		    print(path)
	EOF
}

launches() { # launches PATH: Playwright can start this browser headless
	"$PYTHON" - "$1" <<-'EOF' >/dev/null 2>&1
		import sys
		from playwright.sync_api import sync_playwright
		with sync_playwright() as p:
		    p.chromium.launch(executable_path=sys.argv[1], args=["--no-sandbox"]).close()
	EOF
}

find_browser() {
	[ -x "$CHROMIUM" ] && return 0
	local own
	own="$(playwright_chromium || true)"
	if [ -z "$own" ]; then
		say "no browser at $CHROMIUM; trying Playwright's chromium (at most ${PLAYWRIGHT_TIMEOUT} s)"
		if PLAYWRIGHT_DOWNLOAD_CONNECTION_TIMEOUT=15000 timeout "$PLAYWRIGHT_TIMEOUT" \
			"$PYTHON" -m playwright install chromium >/dev/null 2>&1; then
			own="$(playwright_chromium || true)"
		else
			say "Playwright's chromium could not be downloaded"
		fi
	fi
	if [ -n "$own" ] && launches "$own"; then
		CHROMIUM=$own
		return 0
	fi
	[ -n "$own" ] && say "Playwright's chromium does not start here (missing system libraries?)"
	if is_root; then
		apt_install chromium fonts-liberation
		CHROMIUM=/usr/bin/chromium
		[ -x "$CHROMIUM" ] && return 0
	fi
	die "The browser tests need chromium, and none could be installed. Either:
  sudo apt-get install chromium fonts-liberation      (Debian's, at /usr/bin/chromium), or
  .venv/bin/python -m playwright install --with-deps chromium
or point CHROMIUM at a chromium you have: make test CHROMIUM=/path/to/chromium"
}

# --- throwaway servers ------------------------------------------------------------------------

tmp=""
redis_pid=""
pg_data=""
pg_user=""

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
		as_pg_user "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
		say "stopped the throwaway PostgreSQL"
	fi
	if [ -n "$redis_pid" ]; then
		kill "$redis_pid" 2>/dev/null || true
		wait "$redis_pid" 2>/dev/null || true
		say "stopped the throwaway Redis"
	fi
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

make_tmp() {
	[ -n "$tmp" ] && return 0
	tmp="$(mktemp -d "${TMPDIR:-/tmp}/recovery-care-test.XXXXXX")"
	chmod 755 "$tmp"
}

as_pg_user() { # PostgreSQL refuses to run as root: root runs it as an unprivileged user
	if [ -n "$pg_user" ]; then
		runuser -u "$pg_user" -- "$@"
	else
		"$@"
	fi
}

pg_bin=""
find_pg_bin() {
	pg_bin="$(find /usr/lib/postgresql/*/bin -maxdepth 1 -name initdb 2>/dev/null | sort -V | tail -n 1 || true)"
	pg_bin="${pg_bin%/initdb}"
	[ -n "$pg_bin" ] || pg_bin="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
	[ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ]
}

start_postgres() {
	if ! find_pg_bin; then
		is_root || die "Nothing answers on 127.0.0.1:$TEST_PG_PORT and PostgreSQL is not installed.
Install it (sudo apt-get install postgresql), start one, or give DATABASE_URL."
		apt_install postgresql
		find_pg_bin || die "PostgreSQL was installed but initdb is not under /usr/lib/postgresql"
	fi
	make_tmp
	local port
	port="$(free_port)"
	pg_data="$tmp/pg"
	mkdir -p "$pg_data"
	if is_root; then
		pg_user=postgres
		id -u postgres >/dev/null 2>&1 || pg_user=nobody
		chown "$pg_user" "$pg_data"
	fi
	as_pg_user "$pg_bin/initdb" -D "$pg_data" -U recovery -A trust -E UTF8 --no-locale \
		>"$tmp/initdb.log" 2>&1 || {
		cat "$tmp/initdb.log" >&2
		die "initdb failed"
	}
	as_pg_user "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
		-o "-p $port -c listen_addresses=127.0.0.1 -k $pg_data -c fsync=off -c full_page_writes=off" \
		start >/dev/null || {
		cat "$pg_data/server.log" >&2
		die "the throwaway PostgreSQL did not start"
	}
	as_pg_user "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U recovery recovery_care
	DATABASE_URL="postgres://recovery@127.0.0.1:$port/recovery_care"
	say "started a throwaway PostgreSQL ($("$pg_bin/postgres" --version)) on port $port"
}

start_redis() {
	if ! command -v redis-server >/dev/null; then
		is_root || die "Nothing answers on 127.0.0.1:$TEST_REDIS_PORT and Redis is not installed.
Install it (sudo apt-get install redis-server), start one, or give REDIS_URL."
		apt_install redis-server
	fi
	make_tmp
	local port
	port="$(free_port)"
	redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$tmp" \
		>"$tmp/redis.log" 2>&1 &
	redis_pid=$!
	for _ in $(seq 50); do
		answers "$port" && break
		kill -0 "$redis_pid" 2>/dev/null || break
		sleep 0.2
	done
	answers "$port" || {
		cat "$tmp/redis.log" >&2
		die "the throwaway Redis did not start"
	}
	REDIS_URL="redis://127.0.0.1:$port/0"
	say "started a throwaway Redis on port $port"
}

# --- main -------------------------------------------------------------------------------------

[ $# -gt 0 ] || die "usage: scripts/test-services.sh COMMAND [ARGS...]"

find_browser

if [ -z "${DATABASE_URL:-}" ]; then
	if answers "$TEST_PG_PORT"; then
		# The local server, through its socket as before (a role named after the user).
		DATABASE_URL=postgres:///recovery_care
		[ "$TEST_PG_PORT" = 5432 ] || DATABASE_URL="postgres://127.0.0.1:$TEST_PG_PORT/recovery_care"
	else
		start_postgres
	fi
fi
if [ -z "${REDIS_URL:-}" ]; then
	if answers "$TEST_REDIS_PORT"; then
		REDIS_URL="redis://127.0.0.1:$TEST_REDIS_PORT/0"
	else
		start_redis
	fi
fi

export CHROMIUM DATABASE_URL REDIS_URL
say "browser $CHROMIUM, database $DATABASE_URL, redis $REDIS_URL"
# Not exec: the trap must stop the servers when the command ends.
"$@"
