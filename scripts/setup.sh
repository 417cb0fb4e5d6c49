#!/usr/bin/env bash
# `npm run setup`: what `npm test` needs besides node_modules — PostgreSQL on 127.0.0.1:5432
# (trust auth, database `test`), Redis on 127.0.0.1:6379, Debian's Chromium and a CJK font for the
# browser tests, and Debian's coturn (the table-voice test starts its own turnserver). Starts a service that is installed but down, installs what is missing from
# Debian's packages (needs root), and changes nothing that already answers.
set -euo pipefail

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "setup: installing $1 needs root; run: sudo npm run setup" >&2
    exit 1
  fi
}

apt_install() {
  need_root "$*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

echo "== PostgreSQL on 127.0.0.1:5432"
if ! command -v pg_isready >/dev/null 2>&1; then apt_install postgresql; fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  cluster="$(ls /etc/postgresql | sort -V | tail -n1)"
  need_root "PostgreSQL's start"
  if ! pg_lsclusters -h | grep -q "^$cluster main"; then pg_createcluster "$cluster" main; fi
  conf="/etc/postgresql/$cluster/main"
  grep -q '^host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf" \
    || sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$conf/pg_hba.conf"
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 || { echo "setup: PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1; then
  createdb -h 127.0.0.1 -U postgres test
fi

echo "== Redis on 127.0.0.1:6379"
if ! command -v redis-server >/dev/null 2>&1; then apt_install redis-server; fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/fairground.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "setup: Redis does not answer on 127.0.0.1:6379" >&2; exit 1; }

echo "== Chromium, a CJK font and an emoji font (screenshots of Chinese pages and of table chat need them)"
if [ ! -x "${FAIRGROUND_TEST_CHROMIUM:-/usr/bin/chromium}" ] || ! fc-list 2>/dev/null | grep -qi 'wenquanyi\|wqy' || ! fc-list 2>/dev/null | grep -qi 'emoji'; then
  apt_install chromium fonts-wqy-zenhei fonts-noto-color-emoji
fi
"${FAIRGROUND_TEST_CHROMIUM:-/usr/bin/chromium}" --version

echo "== coturn (turnserver; the voice test starts its own on a free port, the packaged service stays off)"
if [ ! -x "${FAIRGROUND_TEST_TURNSERVER:-/usr/bin/turnserver}" ]; then apt_install coturn; fi
echo "turnserver: ${FAIRGROUND_TEST_TURNSERVER:-/usr/bin/turnserver}"

echo "setup: ready for npm test"
