#!/usr/bin/env bash
# The main job: installs what is missing, builds lightattn (Release), runs the seed's example
# and the timing table of the kernels the runtime picks against the plain generic kernel.
#   bash tools/main.sh            (add --quick for a shorter table)
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
lta_install_deps
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build
./build/lta-bench "$@"
