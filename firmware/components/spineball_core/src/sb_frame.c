#include "spineball/sb_frame.h"

#include <math.h>

#include "sb_wire.h"

/* Kept components lie within ±1/√2 and are sent × 32767·√2 (§3.3). */
#define SB_QUAT_SCALE (32767.0 * 1.4142135623730951)
/* A kept triple whose squares sum above 0.75 + 0.001 cannot be the smallest three. */
#define SB_QUAT_SUMSQ_LIMIT_RAW ((int64_t)((0.75 + 0.001) * SB_QUAT_SCALE * SB_QUAT_SCALE))

/* Round half away from zero, as the Python codec does (sign·floor(|x| + 0.5)). */
static double round_half_away(double x)
{
    double r = floor(fabs(x) + 0.5);
    return x < 0.0 ? -r : r;
}

size_t sb_frame_size(size_t count)
{
    return SB_FRAME_HEADER_SIZE + SB_SAMPLE_SIZE * count;
}

unsigned sb_max_samples_for_mtu(uint16_t mtu)
{
    if (mtu < SB_ATT_MTU_MIN) {
        return 0u;
    }
    unsigned fit = (mtu - SB_ATT_NOTIFY_OVERHEAD - SB_FRAME_HEADER_SIZE) / SB_SAMPLE_SIZE;
    return fit < SB_MAX_SAMPLES_PER_FRAME ? fit : SB_MAX_SAMPLES_PER_FRAME;
}

unsigned sb_samples_per_frame(sb_rate rate, uint16_t mtu)
{
    unsigned by_mtu = sb_max_samples_for_mtu(mtu);
    unsigned by_delay = (sb_rate_hz((unsigned)rate) * SB_BATCH_DELAY_MS + 999u) / 1000u;
    if (by_delay == 0u) {
        by_delay = 1u;
    }
    return by_delay < by_mtu ? by_delay : by_mtu;
}

uint8_t sb_frame_flags(sb_rate rate, bool backfill, bool backfill_end)
{
    uint8_t flags = (uint8_t)(((unsigned)rate << SB_FRAME_RATE_SHIFT) & SB_FRAME_RATE_MASK);
    if (backfill) {
        flags |= SB_FRAME_FLAG_BACKFILL;
        if (backfill_end) {
            flags |= SB_FRAME_FLAG_BACKFILL_END;
        }
    }
    return flags;
}

bool sb_quat_pack(const double q[4], uint8_t *omit, int16_t kept[3])
{
    /* Sum in w-x-y-z order, like numpy's norm of a 4-vector. */
    double norm = sqrt(((q[0] * q[0] + q[1] * q[1]) + q[2] * q[2]) + q[3] * q[3]);
    if (!isfinite(norm) || norm < 1e-6) {
        *omit = 0u;
        kept[0] = kept[1] = kept[2] = 0;
        return false;
    }
    double unit[4];
    unsigned largest = 0u;
    for (unsigned i = 0u; i < 4u; i++) {
        unit[i] = q[i] / norm;
        if (fabs(unit[i]) > fabs(unit[largest])) {
            largest = i; /* strict: the first of equal magnitudes wins */
        }
    }
    double sign = unit[largest] < 0.0 ? -1.0 : 1.0;
    unsigned k = 0u;
    for (unsigned i = 0u; i < 4u; i++) {
        if (i == largest) {
            continue;
        }
        double scaled = round_half_away(sign * unit[i] * SB_QUAT_SCALE);
        if (scaled < (double)SB_QUAT_KEPT_MIN) {
            scaled = (double)SB_QUAT_KEPT_MIN;
        } else if (scaled > 32767.0) {
            scaled = 32767.0;
        }
        kept[k++] = (int16_t)scaled;
    }
    *omit = (uint8_t)largest;
    return true;
}

static bool kept_in_range(const int16_t kept[3])
{
    int64_t sumsq = 0;
    for (unsigned i = 0u; i < 3u; i++) {
        if (kept[i] < SB_QUAT_KEPT_MIN) {
            return false;
        }
        sumsq += (int64_t)kept[i] * kept[i];
    }
    return sumsq <= SB_QUAT_SUMSQ_LIMIT_RAW;
}

bool sb_quat_unpack(uint8_t omit, const int16_t kept[3], double q[4])
{
    if (omit > 3u || !kept_in_range(kept)) {
        return false;
    }
    double values[3];
    double sumsq = 0.0;
    for (unsigned i = 0u; i < 3u; i++) {
        values[i] = kept[i] / SB_QUAT_SCALE;
        sumsq += values[i] * values[i];
    }
    double missing = sqrt(sumsq < 1.0 ? 1.0 - sumsq : 0.0);
    unsigned k = 0u;
    for (unsigned i = 0u; i < 4u; i++) {
        q[i] = (i == omit) ? missing : values[k++];
    }
    return true;
}

uint32_t sb_pressure_to_raw(double pressure_pa)
{
    if (isnan(pressure_pa)) {
        return SB_PRESSURE_INVALID;
    }
    double raw = round_half_away(pressure_pa * SB_PRESSURE_RAW_PER_PA);
    if (raw <= 0.0) {
        return 0u;
    }
    if (raw >= (double)SB_PRESSURE_MAX_RAW) {
        return SB_PRESSURE_MAX_RAW;
    }
    return (uint32_t)raw;
}

int16_t sb_temperature_to_raw(double temperature_c)
{
    if (isnan(temperature_c)) {
        return SB_TEMPERATURE_INVALID;
    }
    double raw = round_half_away(temperature_c * SB_TEMPERATURE_RAW_PER_C);
    if (raw < -32768.0 || raw >= (double)SB_TEMPERATURE_INVALID) {
        return SB_TEMPERATURE_INVALID;
    }
    return (int16_t)raw;
}

sb_err sb_frame_encode(uint32_t first_index, uint8_t flags, int16_t temperature_raw,
                       const sb_raw_sample *samples, size_t count, uint8_t *out, size_t cap,
                       size_t *out_len)
{
    if (count < 1u || count > SB_MAX_SAMPLES_PER_FRAME) {
        return SB_ERR_COUNT;
    }
    if ((flags & SB_FRAME_RESERVED_FLAGS) != 0u ||
        ((flags & SB_FRAME_FLAG_BACKFILL_END) != 0u && (flags & SB_FRAME_FLAG_BACKFILL) == 0u)) {
        return SB_ERR_FLAGS;
    }
    size_t size = sb_frame_size(count);
    if (cap < size) {
        return SB_ERR_CAPACITY;
    }
    for (size_t i = 0u; i < count; i++) {
        if (samples[i].pressure_raw > SB_PRESSURE_INVALID || samples[i].q_omit > 3u) {
            return SB_ERR_RANGE;
        }
    }
    out[0] = (uint8_t)SB_PROTOCOL_VERSION;
    out[1] = flags;
    sb_put_u32(out + 2, first_index);
    out[6] = (uint8_t)count;
    sb_put_i16(out + 7, temperature_raw);
    uint8_t *p = out + SB_FRAME_HEADER_SIZE;
    for (size_t i = 0u; i < count; i++, p += SB_SAMPLE_SIZE) {
        sb_put_u24(p, samples[i].pressure_raw | ((uint32_t)samples[i].q_omit << 22));
        for (unsigned k = 0u; k < 3u; k++) {
            sb_put_i16(p + 3u + 2u * k, samples[i].q_kept[k]);
        }
    }
    *out_len = size;
    return SB_OK;
}

sb_err sb_frame_decode(const uint8_t *data, size_t len, sb_frame_header *header,
                       sb_raw_sample samples[SB_MAX_SAMPLES_PER_FRAME])
{
    if (len < SB_FRAME_HEADER_SIZE) {
        return SB_ERR_TRUNCATED;
    }
    header->version = data[0];
    header->flags = data[1];
    header->first_index = sb_get_u32(data + 2);
    header->count = data[6];
    header->temperature_raw = sb_get_i16(data + 7);
    if (header->version != SB_PROTOCOL_VERSION) {
        return SB_ERR_VERSION;
    }
    if ((header->flags & SB_FRAME_RESERVED_FLAGS) != 0u ||
        ((header->flags & SB_FRAME_FLAG_BACKFILL_END) != 0u &&
         (header->flags & SB_FRAME_FLAG_BACKFILL) == 0u)) {
        return SB_ERR_FLAGS;
    }
    if (header->count < 1u || header->count > SB_MAX_SAMPLES_PER_FRAME) {
        return SB_ERR_COUNT;
    }
    size_t expected = sb_frame_size(header->count);
    if (len != expected) {
        return len < expected ? SB_ERR_TRUNCATED : SB_ERR_LENGTH;
    }
    const uint8_t *p = data + SB_FRAME_HEADER_SIZE;
    for (unsigned i = 0u; i < header->count; i++, p += SB_SAMPLE_SIZE) {
        uint32_t word = sb_get_u24(p);
        samples[i].pressure_raw = word & SB_PRESSURE_INVALID;
        samples[i].q_omit = (uint8_t)(word >> 22);
        for (unsigned k = 0u; k < 3u; k++) {
            samples[i].q_kept[k] = sb_get_i16(p + 3u + 2u * k);
        }
        if (!kept_in_range(samples[i].q_kept)) {
            return SB_ERR_RANGE;
        }
    }
    return SB_OK;
}
