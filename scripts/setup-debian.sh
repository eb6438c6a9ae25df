#!/usr/bin/env bash
# Installs every Debian 12 package caspflow needs to build, test and benchmark.
# Idempotent: packages already present are skipped. Run as root (or with sudo).
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git
  libsundials-dev libeigen3-dev libhdf5-dev hdf5-tools netcdf-bin nco udunits-bin
  libcli11-dev doctest-dev libtomlplusplus-dev libbenchmark-dev
  clang libfuzzer-14-dev
  python3 python3-h5py python3-xarray python3-netcdf4 python3-pandas
  python3-matplotlib python3-nbclient python3-nbformat python3-ipykernel python3-h5netcdf
  pybind11-dev python3-pybind11 python3-dev
  librandom123-dev
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PKGS[@]} Debian packages already installed"
else
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# `import caspflow` from Debian's /usr/bin/python3 (docs/python.md): a .pth file in its site-packages names this
# checkout's build/python, where the build puts the module (python/CMakeLists.txt). It points at the build
# tree, so a rebuild is seen at once; another checkout's setup repoints it.
repo=$(cd "$(dirname "$0")/.." && pwd)
site=$(/usr/bin/python3 -c 'import site; print(site.getsitepackages()[0])')
if [ -d "$site" ] || $SUDO mkdir -p "$site"; then
  echo "$repo/build/python" | $SUDO tee "$site/caspflow-build.pth" >/dev/null
  echo "setup: /usr/bin/python3 imports caspflow from $repo/build/python ($site/caspflow-build.pth)"
fi
