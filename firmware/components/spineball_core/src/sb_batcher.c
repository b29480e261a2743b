#include "spineball/sb_batcher.h"

static void update_limit(sb_batcher *b)
{
    unsigned limit = sb_samples_per_frame((sb_rate)b->rate, b->mtu);
    b->limit = (uint8_t)(limit > 0u ? limit : 1u);
}

void sb_batcher_init(sb_batcher *b, sb_rate rate, uint16_t mtu, sb_frame_sink sink, void *ctx)
{
    b->first_index = 0u;
    b->temperature_raw = SB_TEMPERATURE_INVALID;
    b->rate = (uint8_t)rate;
    b->count = 0u;
    b->mtu = mtu < SB_ATT_MTU_MIN ? SB_ATT_MTU_MIN : mtu;
    b->sink = sink;
    b->sink_ctx = ctx;
    update_limit(b);
}

void sb_batcher_reset(sb_batcher *b, sb_rate rate)
{
    b->count = 0u;
    b->rate = (uint8_t)rate;
    update_limit(b);
}

void sb_batcher_flush(sb_batcher *b)
{
    if (b->count == 0u) {
        return;
    }
    uint8_t frame[SB_MAX_FRAME_SIZE];
    size_t len = 0u;
    sb_err err = sb_frame_encode(b->first_index, sb_frame_flags((sb_rate)b->rate, false, false),
                                 b->temperature_raw, b->samples, b->count, frame, sizeof frame,
                                 &len);
    b->count = 0u;
    if (err == SB_OK && b->sink != NULL) {
        b->sink(b->sink_ctx, frame, len);
    }
}

void sb_batcher_set_mtu(sb_batcher *b, uint16_t mtu)
{
    b->mtu = mtu < SB_ATT_MTU_MIN ? SB_ATT_MTU_MIN : mtu;
    update_limit(b);
    if (b->count >= b->limit) {
        sb_batcher_flush(b);
    }
}

void sb_batcher_push(sb_batcher *b, uint32_t index, sb_rate rate, int16_t temperature_raw,
                     const sb_raw_sample *sample)
{
    if (b->count > 0u && (rate != (sb_rate)b->rate || index != b->first_index + b->count)) {
        sb_batcher_flush(b);
    }
    if (rate != (sb_rate)b->rate) {
        b->rate = (uint8_t)rate;
        update_limit(b);
    }
    if (b->count == 0u) {
        b->first_index = index;
        b->temperature_raw = temperature_raw;
    }
    b->samples[b->count++] = *sample;
    if (b->count >= b->limit) {
        sb_batcher_flush(b);
    }
}
