/*
 * Sample frames on the Samples characteristic (docs/protocol.md §3):
 * smallest-three quaternion packing, frame encoding and decoding, and the
 * MTU/latency rule for how many samples go into one frame.
 */
#ifndef SPINEBALL_SB_FRAME_H
#define SPINEBALL_SB_FRAME_H

#include "spineball/sb_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One sample exactly as on the wire (§3.3). */
typedef struct {
    uint32_t pressure_raw; /* 1/16 Pa, 0 … 0x3FFFFE; SB_PRESSURE_INVALID = no reading */
    uint8_t q_omit;        /* index of the omitted component, 0=w 1=x 2=y 3=z */
    int16_t q_kept[3];     /* the other three components × 32767·√2, in w-x-y-z order */
} sb_raw_sample;

typedef struct {
    uint8_t version;
    uint8_t flags;
    uint32_t first_index;
    uint8_t count;
    int16_t temperature_raw; /* 0.01 °C; SB_TEMPERATURE_INVALID = no reading */
} sb_frame_header;

/* Bytes of a frame holding `count` samples. */
size_t sb_frame_size(size_t count);

/* Samples that fit one notification at this ATT MTU (0 below the minimum MTU 23). */
unsigned sb_max_samples_for_mtu(uint16_t mtu);

/*
 * Samples the ball puts into one live frame: the samples of one 50 ms window,
 * ceil(rate × 50 ms), limited by the MTU. Gives the table of §3.1: 25 Hz → 2,
 * 50 Hz → 3, 100 Hz → 5, 200 Hz → 10 at MTU 247; 1 at MTU 23.
 */
unsigned sb_samples_per_frame(sb_rate rate, uint16_t mtu);

/* Frame flags byte for these samples. */
uint8_t sb_frame_flags(sb_rate rate, bool backfill, bool backfill_end);

/*
 * Smallest-three packing of the quaternion q = (w, x, y, z): normalises,
 * omits the largest component (the first on a tie), flips the sign so the
 * omitted one is positive and rounds the others half away from zero, exactly
 * like the Python codec (double precision, so both agree bit for bit).
 * Returns false (and packs the identity) for a non-finite or zero quaternion.
 */
bool sb_quat_pack(const double q[4], uint8_t *omit, int16_t kept[3]);

/* The inverse: restores the omitted component. Returns false when the three
 * kept values cannot be the smallest three of a unit quaternion (§3.3). */
bool sb_quat_unpack(uint8_t omit, const int16_t kept[3], double q[4]);

/* Absolute pressure in Pa → 22-bit raw (1/16 Pa, rounded half away from zero).
 * NaN → SB_PRESSURE_INVALID; values outside 0 … 262 143.875 Pa saturate. */
uint32_t sb_pressure_to_raw(double pressure_pa);

/* Temperature in °C → 0.01 °C; NaN or out of range → SB_TEMPERATURE_INVALID. */
int16_t sb_temperature_to_raw(double temperature_c);

/*
 * Encode one frame of `count` samples (1 … 26). The header's version and
 * count fields are set from the arguments. Returns SB_ERR_COUNT for a bad
 * count, SB_ERR_FLAGS for reserved flag bits, SB_ERR_RANGE for a raw value
 * that does not fit its field, SB_ERR_CAPACITY when `cap` is too small.
 */
sb_err sb_frame_encode(uint32_t first_index, uint8_t flags, int16_t temperature_raw,
                       const sb_raw_sample *samples, size_t count, uint8_t *out, size_t cap,
                       size_t *out_len);

/* Decode one frame into `header` and up to 26 `samples` (all checks of §3). */
sb_err sb_frame_decode(const uint8_t *data, size_t len, sb_frame_header *header,
                       sb_raw_sample samples[SB_MAX_SAMPLES_PER_FRAME]);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_FRAME_H */
