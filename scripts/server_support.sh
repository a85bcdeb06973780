# Sourced by the scripts that start a server for the tests and the demo (tryton.sh,
# postgres.sh, mariadb.sh).

# install_packages PACKAGE... installs from Debian's archive those that are missing, without
# recommended packages, waiting for another apt to finish; progress goes to stderr through the
# script's own `say`. Sets `sudo` for the caller's later commands.
install_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$p")
  done
  sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo -n)
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q \
    --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2; then
    "${sudo[@]}" apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q \
      --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2
  fi
}

# server_dir NAME DIR RUN_AS prints where a server's files live: DIR, or, when run as root and
# the server's user RUN_AS cannot reach DIR (a checkout under /root), a folder of its own in
# /tmp named after DIR.
server_dir() {
  local name=$1 dir=$2 run_as=$3
  if [ "$(id -u)" -eq 0 ] && getent passwd "$run_as" >/dev/null &&
    ! runuser -u "$run_as" -- test -x "$dir" 2>/dev/null; then
    echo "/tmp/erphub-$name-$(echo "$dir" | sha256sum | cut -c1-16)"
  else
    echo "$dir"
  fi
}
