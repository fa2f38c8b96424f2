# Sourced by .ci/run: makes sure a PostgreSQL server is running on 127.0.0.1:5432 with a role
# that may create databases, and exports TEST_DATABASE_URL.

PG_ROLE=orderline_ci
PG_PASSWORD=orderline_ci

pg_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "installing PostgreSQL (apt-get)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
  fi
  local v
  v=$(pg_version)
  if [ -z "$v" ]; then
    echo "no PostgreSQL cluster found; creating one"
    v=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    as_root pg_createcluster "$v" main
  fi
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  pg_isready -h 127.0.0.1 -p 5432
  # A role of our own, with a password, so that the URL works whether the server trusts
  # local TCP connections (as on the development machines) or asks for a password (a fresh
  # Debian install). Created over the local socket as the postgres OS user (peer auth).
  as_root su postgres -c "psql -v ON_ERROR_STOP=1 -q -d postgres" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
    CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SQL
  export TEST_DATABASE_URL="postgres://$PG_ROLE:$PG_PASSWORD@127.0.0.1:5432/postgres"
  drop_test_databases
}

# Databases left behind by killed test runs.
drop_test_databases() {
  local dbs
  dbs=$(psql "$TEST_DATABASE_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'orderline_test_%'" 2>/dev/null || true)
  for d in $dbs; do
    psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
