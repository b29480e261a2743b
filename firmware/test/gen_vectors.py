"""Turn docs/protocol-vectors.json into a C header for the core's tests.

Run at build time (CMake) into the build directory, so the C tests read the
very same golden vectors as the Python codec and nothing is copied into the
source tree. This script only transcribes: bytes stay bytes, numbers stay
numbers, names stay strings; every expectation is checked by the C tests.

    python3 gen_vectors.py docs/protocol-vectors.json build/protocol_vectors.h
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any


def c_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid C string literal for ASCII


def c_bytes(hex_text: str) -> tuple[str, int]:
    data = bytes.fromhex(hex_text)
    if not data:
        return "{0}", 0  # C has no empty arrays; the length says 0
    return "{" + ", ".join(f"0x{b:02x}" for b in data) + "}", len(data)


def c_double(value: float | int | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "SB_VEC_NONE"
    return repr(float(value))


def c_kv(items: dict[str, Any] | None) -> tuple[str, int]:
    if not items:
        return "{{0, 0.0}}", 0
    body = ", ".join(f"{{{c_string(k)}, {c_double(v)}}}" for k, v in items.items())
    return "{" + body + "}", len(items)


class Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.counter = 0

    def emit(self, line: str = "") -> None:
        self.lines.append(line)

    def blob(self, hex_text: str) -> tuple[str, int]:
        self.counter += 1
        name = f"sb_vec_bytes_{self.counter}"
        init, size = c_bytes(hex_text)
        self.emit(f"static const uint8_t {name}[] = {init};")
        return name, size

    def kv(self, items: dict[str, Any] | None) -> tuple[str, int]:
        self.counter += 1
        name = f"sb_vec_kv_{self.counter}"
        init, size = c_kv(items)
        self.emit(f"static const sb_vec_kv {name}[] = {init};")
        return name, size


HEADER = """\
/* Generated from {source} by firmware/test/gen_vectors.py. Do not edit. */
#ifndef SPINEBALL_PROTOCOL_VECTORS_H
#define SPINEBALL_PROTOCOL_VECTORS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* JSON null (e.g. "no valid reading") */
#define SB_VEC_NONE NAN

typedef struct {{ const char *key; double value; }} sb_vec_kv;

typedef struct {{
    double pressure_raw, pressure_pa, q_omit;
    double q_in[4], q_kept[3], q[4];
}} sb_vec_sample;

typedef struct {{
    const char *name;
    const uint8_t *bytes;
    size_t len;
    double version, flags, rate_code, backfill, backfill_end, first_index, count;
    double temperature_raw, temperature_c;
    const sb_vec_sample *samples;
    size_t n_samples;
}} sb_vec_frame;

typedef struct {{
    const char *name;
    const uint8_t *bytes;
    size_t len;
    const char *error;
    double result;
}} sb_vec_bad;

typedef struct {{
    const char *name;
    const uint8_t *bytes;
    size_t len;
    const char *op;
    double seq, result;
    const sb_vec_kv *fields;   /* params, payload or status fields */
    size_t n_fields;
    int has_fields;            /* 0 when the JSON value is null */
}} sb_vec_message;

typedef struct {{
    const char *name;
    const uint8_t *bytes;
    size_t len;
    double size, flags;
    const char *service_uuid, *local_name;
}} sb_vec_adv;
"""


def sample_init(s: dict[str, Any]) -> str:
    def arr(values: list[Any]) -> str:
        return "{" + ", ".join(c_double(v) for v in values) + "}"

    return (
        f"{{{c_double(s['pressure_raw'])}, {c_double(s['pressure_pa'])}, {c_double(s['q_omit'])}, "
        f"{arr(s['q_in'])}, {arr(s['q_kept'])}, {arr(s['q'])}}}"
    )


def generate(vectors: dict[str, Any], source: str) -> str:
    w = Writer()
    w.emit(HEADER.format(source=source))

    frames = []
    for v in vectors["frames"]:
        d = v["decoded"]
        blob, size = w.blob(v["hex"])
        w.counter += 1
        samples = f"sb_vec_samples_{w.counter}"
        w.emit(f"static const sb_vec_sample {samples}[] = {{")
        w.emit(",\n".join("    " + sample_init(s) for s in d["samples"]))
        w.emit("};")
        frames.append(
            f"{{{c_string(v['name'])}, {blob}, {size}, {c_double(d['version'])}, "
            f"{c_double(d['flags'])}, {c_double(d['rate_code'])}, {c_double(d['backfill'])}, "
            f"{c_double(d['backfill_end'])}, {c_double(d['first_index'])}, "
            f"{c_double(d['count'])}, {c_double(d['temperature_raw'])}, "
            f"{c_double(d['temperature_c'])}, {samples}, {len(d['samples'])}}}"
        )
    w.emit("static const sb_vec_frame SB_VEC_FRAMES[] = {\n    " + ",\n    ".join(frames) + "\n};")

    for section in (
        "malformed_frames",
        "malformed_commands",
        "malformed_responses",
        "malformed_statuses",
    ):
        rows = []
        for v in vectors[section]:
            blob, size = w.blob(v["hex"])
            rows.append(
                f"{{{c_string(v['name'])}, {blob}, {size}, {c_string(v['error'])}, "
                f"{c_double(v.get('result'))}}}"
            )
        w.emit(
            f"static const sb_vec_bad SB_VEC_{section.upper()}[] = {{\n    "
            + ",\n    ".join(rows)
            + "\n};"
        )

    for section, key in (("commands", "params"), ("responses", "payload"), ("statuses", "fields")):
        rows = []
        for v in vectors[section]:
            blob, size = w.blob(v["hex"])
            table, n = w.kv(v[key])
            rows.append(
                f"{{{c_string(v['name'])}, {blob}, {size}, {c_string(v.get('op', ''))}, "
                f"{c_double(v.get('seq'))}, {c_double(v.get('result'))}, {table}, {n}, "
                f"{0 if v[key] is None else 1}}}"
            )
        w.emit(
            f"static const sb_vec_message SB_VEC_{section.upper()}[] = {{\n    "
            + ",\n    ".join(rows)
            + "\n};"
        )

    rows = []
    for v in vectors["advertising"]:
        blob, size = w.blob(v["hex"])
        rows.append(
            f"{{{c_string(v['name'])}, {blob}, {size}, {c_double(v['size'])}, "
            f"{c_double(v['flags'])}, {c_string(v['service_uuid'])}, {c_string(v['local_name'])}}}"
        )
    w.emit("static const sb_vec_adv SB_VEC_ADVERTISING[] = {\n    " + ",\n    ".join(rows) + "\n};")

    w.emit("#define SB_VEC_COUNT(a) (sizeof(a) / sizeof((a)[0]))")
    w.emit("#endif /* SPINEBALL_PROTOCOL_VECTORS_H */")
    return "\n".join(w.lines) + "\n"


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    vectors = json.loads(source.read_text(encoding="utf-8"))
    if vectors.get("format") != "spineball-protocol-vectors" or vectors.get("version") != 1:
        sys.exit(f"gen_vectors: {source} is not version 1 spineball protocol vectors")
    target.write_text(generate(vectors, source.name), encoding="utf-8")


if __name__ == "__main__":
    main()
