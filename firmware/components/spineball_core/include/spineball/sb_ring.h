/*
 * Sample ring buffer and backfill (docs/protocol.md §6): the newest 8192
 * samples (82 s at 100 Hz, 41 s at 200 Hz) addressed by their device sample
 * index, so a client that reconnects can ask for what it missed.
 */
#ifndef SPINEBALL_SB_RING_H
#define SPINEBALL_SB_RING_H

#include "spineball/sb_frame.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A power of two, so index → slot is a mask and survives the 2^32 wrap. */
#define SB_RING_CAPACITY 8192u

/* 12 bytes per sample: the 9 wire bytes plus what the frame header needs. */
typedef struct {
    uint8_t wire[SB_SAMPLE_SIZE];
    uint8_t rate;
    int16_t temperature_raw;
} sb_ring_slot;

typedef struct {
    sb_ring_slot slots[SB_RING_CAPACITY];
    uint32_t next_index; /* index the next sample gets */
    uint32_t count;      /* samples held, ≤ SB_RING_CAPACITY */
} sb_ring;

/* Empty the ring; the next sample gets `next_index` (0 at START). */
void sb_ring_reset(sb_ring *r, uint32_t next_index);

/* Append a sample; returns the index it got. The oldest is overwritten when full. */
uint32_t sb_ring_push(sb_ring *r, sb_rate rate, int16_t temperature_raw,
                      const sb_raw_sample *sample);

uint32_t sb_ring_oldest(const sb_ring *r);

/* The sample with this index, if it is still held. */
bool sb_ring_get(const sb_ring *r, uint32_t index, sb_raw_sample *sample, sb_rate *rate,
                 int16_t *temperature_raw);

/* What a BACKFILL(from, max_count) answers (§4.1, §6). */
typedef struct {
    uint8_t result; /* SB_RESULT_OK or SB_RESULT_PARTIAL */
    uint32_t first; /* first index that will be sent */
    uint32_t count; /* samples that will follow as BACKFILL frames */
} sb_backfill_plan;

/*
 * Plan a backfill from `from`, at most `max_count` samples (0 = up to the
 * newest). Everything still held → OK; some requested samples already
 * overwritten → PARTIAL with `first` the oldest still held (the client
 * records [from, first) as a gap); `from` at or after the newest → OK with
 * count 0.
 */
sb_backfill_plan sb_ring_plan_backfill(const sb_ring *r, uint32_t from, uint16_t max_count);

/* A running backfill answer: frames are produced one at a time, interleaved
 * with live frames, whenever the link can take one. */
typedef struct {
    bool active;
    uint32_t cursor;
    uint32_t remaining;
} sb_backfill;

void sb_backfill_start(sb_backfill *bf, const sb_backfill_plan *plan);
void sb_backfill_cancel(sb_backfill *bf);

/*
 * Encode the next BACKFILL frame (≤ max_samples samples of one rate; the last
 * frame carries BACKFILL_END). Returns its length, or 0 when nothing is left.
 * Samples overwritten since the plan was made are skipped: the client sees
 * their indices missing and records a gap.
 */
size_t sb_backfill_next_frame(sb_backfill *bf, const sb_ring *r, unsigned max_samples,
                              uint8_t *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_RING_H */
