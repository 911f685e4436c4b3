#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on localhost; start them if this machine can, else fail loudly.
set -uo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_up; then
    echo "PostgreSQL is not answering on 127.0.0.1:5432; starting it ..."
    if [ -d /etc/postgresql ]; then
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
    pg_up || { echo "FATAL: PostgreSQL is required for the test suite and could not be started" >&2; exit 1; }
fi
if ! redis_up; then
    echo "Redis is not answering on 127.0.0.1:6379; starting it ..."
    command -v redis-server >/dev/null && redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 1 30); do redis_up && break; sleep 1; done
    redis_up || { echo "FATAL: Redis is required for the test suite and could not be started" >&2; exit 1; }
fi
echo "services: PostgreSQL and Redis are up"
