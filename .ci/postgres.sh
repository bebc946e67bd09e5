#!/usr/bin/env bash
# Start the Debian PostgreSQL 15 cluster if it is down, and make the test role and database.
set -euo pipefail
if ! command -v pg_lsclusters >/dev/null; then
  echo "PostgreSQL is not installed (pg_lsclusters missing)" >&2
  exit 1
fi
if pg_lsclusters --no-header | awk '$1 == "15" && $2 == "main" {print $4}' | grep -q down; then
  pg_ctlcluster 15 main start
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -tAc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -v ON_ERROR_STOP=1 -tA" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ips_jobdev') THEN
    CREATE ROLE ips_jobdev LOGIN PASSWORD 'ips_jobdev' CREATEDB;
  END IF;
END $$;
-- the program boundary tests make (and drop) PostgreSQL roles with `db grant-program`
ALTER ROLE ips_jobdev CREATEROLE;
SQL
if ! su postgres -c "psql -tAc \"select 1 from pg_database where datname = 'ips_jobdev_test'\"" | grep -q 1; then
  su postgres -c "psql -v ON_ERROR_STOP=1 -c 'CREATE DATABASE ips_jobdev_test OWNER ips_jobdev'"
fi
echo "PostgreSQL ready: $(su postgres -c "psql -tAc 'show server_version'")"
