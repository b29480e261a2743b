/*
 * Calibration points (docs/protocol.md §4.1 CAL_GET/CAL_SET) and their
 * storage format in flash: three (load, pressure) slots, e.g. "ball alone"
 * and "kneeling on a bathroom scale" (domain notes: 2–3 points per ball and
 * inflation). The client fits the load model; the ball only keeps the points.
 */
#ifndef SPINEBALL_SB_CAL_H
#define SPINEBALL_SB_CAL_H

#include "spineball/sb_command.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Stored blob: "SBCL", format version, slot count, 3 × (f32 load, f32 pressure),
 * CRC-32 (IEEE) of everything before it. Little-endian like the protocol. */
#define SB_CAL_FORMAT_VERSION 1u
#define SB_CAL_BLOB_SIZE (4u + 1u + 1u + 8u * SB_CAL_SLOT_COUNT + 4u)

typedef struct {
    float load_n;      /* NaN for an empty slot */
    float pressure_pa; /* NaN for an empty slot */
} sb_cal_point;

typedef struct {
    sb_cal_point points[SB_CAL_SLOT_COUNT];
} sb_cal_table;

/* Every slot empty (NaN, NaN). */
void sb_cal_clear(sb_cal_table *t);

/* Validated like the command parser: slot 0–2; both NaN or a plausible point. */
sb_err sb_cal_set(sb_cal_table *t, uint8_t slot, float load_n, float pressure_pa);

/* The point in a slot; SB_ERR_RANGE for a slot > 2. */
sb_err sb_cal_get(const sb_cal_table *t, uint8_t slot, sb_cal_point *point);

void sb_cal_serialize(const sb_cal_table *t, uint8_t out[SB_CAL_BLOB_SIZE]);

/*
 * Restore a stored blob. Anything that is not an intact blob of this format
 * (wrong size, magic, version, CRC, or an implausible point) leaves every
 * slot empty and says why: a corrupt flash page never yields a bogus point.
 */
sb_err sb_cal_deserialize(sb_cal_table *t, const uint8_t *data, size_t len);

/* CRC-32 (IEEE 802.3, reflected, as zlib.crc32) — also used by tests. */
uint32_t sb_crc32(const uint8_t *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_CAL_H */
