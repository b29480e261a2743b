/*
 * Live frame batching (docs/protocol.md §3.1): samples are collected until
 * the frame holds the samples of one 50 ms window or the MTU limit, then
 * handed to a sink (the BLE layer notifies them).
 */
#ifndef SPINEBALL_SB_BATCHER_H
#define SPINEBALL_SB_BATCHER_H

#include "spineball/sb_frame.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*sb_frame_sink)(void *ctx, const uint8_t *frame, size_t len);

typedef struct {
    sb_raw_sample samples[SB_MAX_SAMPLES_PER_FRAME];
    uint32_t first_index;
    int16_t temperature_raw; /* of the frame's first sample: one temperature per frame */
    uint8_t rate;
    uint8_t count;
    uint8_t limit; /* samples per frame for the current rate and MTU */
    uint16_t mtu;
    sb_frame_sink sink;
    void *sink_ctx;
} sb_batcher;

void sb_batcher_init(sb_batcher *b, sb_rate rate, uint16_t mtu, sb_frame_sink sink, void *ctx);

/* Drop pending samples (START restarts the indices). */
void sb_batcher_reset(sb_batcher *b, sb_rate rate);

/* A new ATT MTU for the link; flushes when the pending samples no longer fit. */
void sb_batcher_set_mtu(sb_batcher *b, uint16_t mtu);

/*
 * Add the sample with this index. A pending frame is flushed first when the
 * new sample does not continue it (another rate or a gap in the indices),
 * so one push may emit two frames. A frame is emitted as soon as it holds
 * sb_samples_per_frame(rate, mtu) samples.
 */
void sb_batcher_push(sb_batcher *b, uint32_t index, sb_rate rate, int16_t temperature_raw,
                     const sb_raw_sample *sample);

/* Emit the pending samples now (STOP, disconnect). */
void sb_batcher_flush(sb_batcher *b);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_BATCHER_H */
