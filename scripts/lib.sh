# Shared helpers for ./openpcs, ./run-tests and .ci/run. Source it; it defines functions only.

# Prints the path of a java binary of version 21 or newer, or fails.
openpcs_find_java() {
  local candidates=() j major
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  for j in /usr/lib/jvm/*/bin/java; do [[ -x "$j" ]] && candidates+=("$j"); done
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for j in "${candidates[@]}"; do
    [[ -x "$j" ]] || continue
    major="$("$j" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}')"
    if [[ "${major:-0}" -ge 21 ]]; then echo "$j"; return 0; fi
  done
  return 1
}

# Runs a command as root: directly when we are root, through sudo otherwise.
openpcs_as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "openpcs: '$*' needs root (no sudo available)" >&2; return 1; fi
}

# Exports JAVA_HOME for a JDK 21+, installing one from the distribution when none is present.
openpcs_use_java() {
  local java
  if ! java="$(openpcs_find_java)"; then
    if command -v apt-get >/dev/null 2>&1; then
      echo "openpcs: no JDK 21+ found; installing one with apt-get" >&2
      openpcs_as_root apt-get update -qq >&2 || true
      openpcs_as_root apt-get install -y -qq openjdk-21-jdk-headless >&2 \
        || openpcs_as_root apt-get install -y -qq openjdk-25-jdk-headless >&2 || true
    fi
    java="$(openpcs_find_java)" || { echo "openpcs: needs a JDK 21 or newer (set JAVA_HOME)" >&2; return 1; }
  fi
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java")")")"
  export JAVA_HOME
}

# Makes a PostgreSQL server answer on 127.0.0.1:5432 for the store tests: starts an installed
# cluster, or installs one. Exports OPENPCS_TEST_PG_USER/PASSWORD when it had to set a password.
openpcs_ensure_postgres() {
  if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then return 0; fi
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "openpcs: installing PostgreSQL for the store tests" >&2
    openpcs_as_root apt-get update -qq >&2 || true
    openpcs_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  local version
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  openpcs_as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "openpcs: PostgreSQL did not start" >&2; return 1; }
  # A fresh installation only trusts local peers; give the tests a password over TCP.
  if ! psql -h 127.0.0.1 -U postgres -c 'select 1' postgres >/dev/null 2>&1; then
    openpcs_as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'openpcs-test'\"" >&2
    export OPENPCS_TEST_PG_USER=postgres OPENPCS_TEST_PG_PASSWORD=openpcs-test
  fi
}

# Installs Debian's Slurm and munge when they are missing (the daemons are started per cluster by
# OpenPCS itself; nothing system-wide is started).
openpcs_ensure_slurm() {
  if [[ -x /usr/sbin/slurmctld && -x /usr/sbin/slurmd && -x /usr/bin/sbatch && -x /usr/sbin/munged ]]; then return 0; fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "openpcs: Slurm is not installed; install slurmctld, slurmd, slurm-client and munge" >&2; return 1
  fi
  echo "openpcs: installing Slurm and munge from the distribution" >&2
  openpcs_as_root apt-get update -qq >&2 || true
  openpcs_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >&2
}
