#!/usr/bin/env bash
# Installs, with apt-get, the Debian 12 packages llmsweep needs to build, test and analyse that
# are not installed yet (a second run takes a second). Needs root, or sudo.
set -euo pipefail

packages=(
  cmake g++ make pkg-config                     # build
  libopenmpi-dev openmpi-bin                    # MPI
  libhdf5-dev hdf5-tools                        # results files (serial HDF5) and h5diff
  libdeflate-dev                                # workers compress chunks with the file's filters
  libssl-dev                                    # SHA-256 of specs (OpenSSL's EVP digest)
  libboost-serialization-dev                    # MPI wire format
  libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  libgtest-dev                                  # tests
  python3-h5py python3-numpy python3-matplotlib python3-pandas python3-pytest  # analysis
  python3-xarray python3-h5netcdf                # results files as xarray opens them
  python3-plotly                                # plotly.js for the explorer page (analysis explore)
  python3-flake8                                # Python lint (scripts/lint-python.sh)
  chromium                                      # the browser tests drive it headless
  pybind11-dev python3-pybind11 python3-dev     # the llmsweep Python module (src/python)
  jupyter-notebook python3-nbconvert python3-ipykernel  # its notebook, executed by the tests
  slurm-wlm munge                               # the slurm-labelled tests run a real Slurm
  clang-14 libclang-rt-14-dev                   # libFuzzer for tests/fuzz (label fuzz)
  clang-format-14 clang-tidy-14                 # scripts/check.sh: the format check, clang-tidy
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm for the browser tests (playwright-core from npm): Debian's, unless a node and an
# npm are on PATH already (another distribution's nodejs package may bundle npm).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "llmsweep: installing ${missing[*]}" >&2
# Package scripts must not start services (munge, slurmd...): the tests start their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt_get() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; }
apt_get install -y -q --no-install-recommends "${missing[@]}" || { apt_get update -q && apt_get install -y -q --no-install-recommends "${missing[@]}"; }
