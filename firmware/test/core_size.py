"""Print how much flash and RAM the portable core takes in the RV32IMC probe.

Reads the GNU ld map of core_size_probe (linked with --gc-sections) and sums
the input sections that came from libspineball_core.a, i.e. only the core
code the firmware's calls keep; libc and the soft-float helpers are counted
separately from the ELF's totals.

    python3 core_size.py build/firmware-rv32/core_size_probe.map
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# ` .text.sb_x  0xADDR  0xSIZE  path/libspineball_core.a(sb_x.c.obj)` — the
# section name may sit alone on the line before when it is long.
ENTRY = re.compile(r"^\s*(\.\S+)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)$")
FLASH = (".text", ".rodata", ".srodata")
RAM = (".data", ".sdata", ".bss", ".sbss")


def main() -> None:
    lines = Path(sys.argv[1]).read_text(encoding="utf-8", errors="replace").splitlines()
    flash = ram = 0
    pending: str | None = None
    in_discarded = False
    for line in lines:
        if line.startswith("Discarded input sections"):
            in_discarded = True
        elif line.startswith(("Memory Configuration", "Linker script")):
            in_discarded = False
        if in_discarded:
            continue
        stripped = line.strip()
        if re.fullmatch(r"\.\S+", stripped):
            pending = stripped
            continue
        match = ENTRY.match(line)
        if not match:
            pending = None
            continue
        section = match.group(1) or pending
        pending = None
        if section is None or "libspineball_core.a(" not in match.group(3):
            continue
        size = int(match.group(2), 16)
        if section.startswith(FLASH):
            flash += size
        elif section.startswith(RAM):
            ram += size
    print(
        f"core on RV32IMC (-Os, gc-sections): {flash} bytes flash (code + constants), "
        f"{ram} bytes of static RAM (all state lives in the caller's sb_device)"
    )


if __name__ == "__main__":
    main()
