#include "spineball/sb_ring.h"

#include "sb_wire.h"

#define SLOT_MASK (SB_RING_CAPACITY - 1u)

void sb_ring_reset(sb_ring *r, uint32_t next_index)
{
    r->next_index = next_index;
    r->count = 0u;
}

uint32_t sb_ring_push(sb_ring *r, sb_rate rate, int16_t temperature_raw,
                      const sb_raw_sample *sample)
{
    uint32_t index = r->next_index;
    sb_ring_slot *slot = &r->slots[index & SLOT_MASK];
    sb_put_u24(slot->wire, (sample->pressure_raw & SB_PRESSURE_INVALID) |
                               ((uint32_t)(sample->q_omit & 3u) << 22));
    for (unsigned k = 0u; k < 3u; k++) {
        sb_put_i16(slot->wire + 3u + 2u * k, sample->q_kept[k]);
    }
    slot->rate = (uint8_t)rate;
    slot->temperature_raw = temperature_raw;
    r->next_index = index + 1u;
    if (r->count < SB_RING_CAPACITY) {
        r->count++;
    }
    return index;
}

uint32_t sb_ring_oldest(const sb_ring *r)
{
    return r->next_index - r->count;
}

bool sb_ring_get(const sb_ring *r, uint32_t index, sb_raw_sample *sample, sb_rate *rate,
                 int16_t *temperature_raw)
{
    /* Held when oldest ≤ index < next, measured as distance from the oldest. */
    if ((uint32_t)(index - sb_ring_oldest(r)) >= r->count) {
        return false;
    }
    const sb_ring_slot *slot = &r->slots[index & SLOT_MASK];
    uint32_t word = sb_get_u24(slot->wire);
    sample->pressure_raw = word & SB_PRESSURE_INVALID;
    sample->q_omit = (uint8_t)(word >> 22);
    for (unsigned k = 0u; k < 3u; k++) {
        sample->q_kept[k] = sb_get_i16(slot->wire + 3u + 2u * k);
    }
    *rate = (sb_rate)slot->rate;
    *temperature_raw = slot->temperature_raw;
    return true;
}

sb_backfill_plan sb_ring_plan_backfill(const sb_ring *r, uint32_t from, uint16_t max_count)
{
    sb_backfill_plan plan = {SB_RESULT_OK, from, 0u};
    uint32_t oldest = sb_ring_oldest(r);
    uint32_t next = r->next_index;
    if (!sb_index_before(from, next)) {
        return plan; /* nothing newer than what the client has */
    }
    /* The requested span is [from, end): up to the newest, or max_count samples. */
    uint32_t end = next;
    if (max_count != 0u && (uint32_t)(next - from) > max_count) {
        end = from + max_count;
    }
    if (!sb_index_before(from, oldest)) {
        plan.count = end - from;
        return plan;
    }
    plan.result = SB_RESULT_PARTIAL;
    plan.first = oldest;
    plan.count = sb_index_before(oldest, end) ? end - oldest : 0u;
    return plan;
}

void sb_backfill_start(sb_backfill *bf, const sb_backfill_plan *plan)
{
    bf->cursor = plan->first;
    bf->remaining = plan->count;
    bf->active = plan->count > 0u;
}

void sb_backfill_cancel(sb_backfill *bf)
{
    bf->active = false;
    bf->remaining = 0u;
}

size_t sb_backfill_next_frame(sb_backfill *bf, const sb_ring *r, unsigned max_samples,
                              uint8_t *out, size_t cap)
{
    if (!bf->active) {
        return 0u;
    }
    if (max_samples > SB_MAX_SAMPLES_PER_FRAME) {
        max_samples = SB_MAX_SAMPLES_PER_FRAME;
    }
    if (max_samples == 0u) {
        max_samples = 1u;
    }
    /* Skip what the live samples have overwritten since the plan was made. */
    uint32_t oldest = sb_ring_oldest(r);
    if (sb_index_before(bf->cursor, oldest)) {
        uint32_t lost = oldest - bf->cursor;
        if (lost >= bf->remaining) {
            sb_backfill_cancel(bf);
            return 0u;
        }
        bf->cursor = oldest;
        bf->remaining -= lost;
    }
    sb_raw_sample samples[SB_MAX_SAMPLES_PER_FRAME];
    sb_rate first_rate = SB_RATE_25HZ;
    int16_t first_temperature = SB_TEMPERATURE_INVALID;
    uint32_t first_index = bf->cursor;
    size_t n = 0u;
    while (n < max_samples && bf->remaining > 0u) {
        sb_rate rate;
        int16_t temperature;
        if (!sb_ring_get(r, bf->cursor, &samples[n], &rate, &temperature)) {
            bf->remaining = 0u; /* past the newest: nothing more to send */
            break;
        }
        if (n == 0u) {
            first_rate = rate;
            first_temperature = temperature;
        } else if (rate != first_rate) {
            break; /* one rate per frame: a rate change starts a new frame */
        }
        n++;
        bf->cursor++;
        bf->remaining--;
    }
    if (n == 0u) {
        sb_backfill_cancel(bf);
        return 0u;
    }
    bool last = bf->remaining == 0u;
    size_t len = 0u;
    if (sb_frame_encode(first_index, sb_frame_flags(first_rate, true, last), first_temperature,
                        samples, n, out, cap, &len) != SB_OK) {
        sb_backfill_cancel(bf);
        return 0u;
    }
    if (last) {
        bf->active = false;
    }
    return len;
}
