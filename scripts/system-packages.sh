#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the test suite uses (real broker, real
# terminal, speech, firmware cross-compiler, enclosure and wiring renderers).
# As root it installs what is missing; otherwise it says what to install.
set -euo pipefail

packages=(
  mosquitto mosquitto-clients      # a real MQTT broker and a third-party client
  tmux                             # drive the dashboard in a real terminal
  espeak-ng sox                    # spoken cues rendered to WAV
  cmake libcmocka-dev              # firmware core host tests
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc  # ESP32-C3 ISA
  openscad                         # enclosure renders headless
  graphviz                         # WireViz renders the wiring diagram
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "spineball: missing system packages: ${missing[*]} (no apt-get here; install them with your package manager)" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=sudo
  else
    echo "spineball: missing system packages: ${missing[*]}" >&2
    echo "  run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
else
  SUDO=
fi
echo "spineball: installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  tail -20 "$log" >&2
  echo "spineball: installing ${missing[*]} failed (log above)" >&2
  exit 1
fi
rm -f "$log"
