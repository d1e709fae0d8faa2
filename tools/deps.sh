#!/usr/bin/env bash
# Installs what the build and the tests need on Debian, when it is missing:
# a C compiler, CMake, Ninja, Lua 5.4 (headers and library) and Check.
# Sourced by tools/main.sh and tools/test.sh; extra package names may be passed.
lta_install_deps() {
  local need=() pkg
  for pkg in gcc libc6-dev cmake ninja-build pkg-config liblua5.4-dev check "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  echo "lightattn: installing ${need[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
}
