#!/usr/bin/env bash
# Installs every Debian package that erphub's build, tests, benchmarks and demo need.
# Idempotent: returns at once when everything is present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl jq bc
  libpcre2-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  libboost-dev libboost-system-dev libcurl4-openssl-dev libyaml-cpp-dev libsqlite3-dev
  libfmt-dev libspdlog-dev libpugixml-dev libssl-dev libsodium-dev
  # Staged snapshot chunks of the postgres_cdc input are stored compressed.
  libzstd-dev
  # The hub's allocator (CMakeLists.txt, ERPHUB_TCMALLOC).
  libtcmalloc-minimal4
  clang-14 libclang-rt-14-dev
  nodejs npm
  wrk nginx-light openssl
  miller time
  # A real ERP for the integration tests and the demo (scripts/tryton.sh).
  tryton-server tryton-proteus tryton-modules-sale tryton-modules-sale-stock-quantity
  # Databases: the PostgreSQL store and the sql input and output (scripts/postgres.sh,
  # scripts/mariadb.sh start private servers for the tests).
  postgresql libpq-dev mariadb-server libmariadb-dev
)

missing=()
for p in "${packages[@]}"; do
  # NodeSource's nodejs package bundles npm and conflicts with Debian's npm package.
  if [ "$p" = npm ] && command -v npm >/dev/null; then
    continue
  fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
