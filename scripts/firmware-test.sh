#!/usr/bin/env bash
# The firmware core's checks, run by `make firmware-test` (part of `make test`):
#   1. host tests (CTest + cmocka) built with -Wall -Wextra -Werror under
#      AddressSanitizer + UndefinedBehaviorSanitizer, against the golden
#      vectors of docs/protocol-vectors.json;
#   2. the ESP32-C3 ISA check: the core and its tests cross-compiled for
#      RV32IMC (riscv64-unknown-elf-gcc + picolibc), code size printed, tests
#      run under qemu-system-riscv32.
# Any failure stops with the failing step's output and a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."

build_root=${SB_FIRMWARE_BUILD_DIR:-build}
host="$build_root/firmware-host"
rv32="$build_root/firmware-rv32"
jobs=$(nproc 2>/dev/null || echo 2)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

step() { # step "what" command...
  local what=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "firmware-test: FAILED: $what" >&2
    exit 1
  fi
}

for tool in cmake ctest riscv64-unknown-elf-gcc qemu-system-riscv32 python3; do
  command -v "$tool" >/dev/null || { echo "firmware-test: $tool not found (scripts/system-packages.sh installs it)" >&2; exit 1; }
done

echo "firmware-test: host tests (cmocka, ASan + UBSan)"
step "configure host build" cmake -S firmware/test -B "$host" -DCMAKE_BUILD_TYPE=Debug -DSB_SANITIZE=ON
step "build host tests" cmake --build "$host" -j "$jobs"
step "host tests" ctest --test-dir "$host" --output-on-failure -j "$jobs"
grep -E "tests passed|Total Test time" "$log" | sed 's/^/  /'

echo "firmware-test: RV32IMC cross-compile (ESP32-C3 ISA, picolibc) and tests under QEMU"
step "configure RV32IMC build" cmake -S firmware/test -B "$rv32" -DSB_SANITIZE=OFF \
  -DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_TOOLCHAIN_FILE="$PWD/firmware/test/riscv32-picolibc.cmake"
step "cross-compile" cmake --build "$rv32" -j "$jobs"
python3 firmware/test/core_size.py "$rv32/core_size_probe.map" | sed 's/^/  /'
step "tests under qemu-system-riscv32" ctest --test-dir "$rv32" --output-on-failure -j "$jobs"
grep -E "tests passed|Total Test time" "$log" | sed 's/^/  /'
