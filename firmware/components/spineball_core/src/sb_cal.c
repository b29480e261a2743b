#include "spineball/sb_cal.h"

#include <math.h>
#include <string.h>

#include "sb_wire.h"

static const uint8_t MAGIC[4] = {'S', 'B', 'C', 'L'};

void sb_cal_clear(sb_cal_table *t)
{
    for (unsigned i = 0u; i < SB_CAL_SLOT_COUNT; i++) {
        t->points[i].load_n = NAN;
        t->points[i].pressure_pa = NAN;
    }
}

sb_err sb_cal_set(sb_cal_table *t, uint8_t slot, float load_n, float pressure_pa)
{
    /* One validation for the wire and for flash: reuse the command's checks. */
    sb_command probe;
    uint8_t encoded[SB_CONTROL_MAX_SIZE];
    size_t len = 0u;
    memset(&probe, 0, sizeof probe);
    probe.op = SB_OP_CAL_SET;
    probe.p.cal_set.slot = slot;
    probe.p.cal_set.load_n = load_n;
    probe.p.cal_set.pressure_pa = pressure_pa;
    sb_err err = sb_command_encode(&probe, encoded, sizeof encoded, &len);
    if (err != SB_OK) {
        return err;
    }
    t->points[slot].load_n = load_n;
    t->points[slot].pressure_pa = pressure_pa;
    return SB_OK;
}

sb_err sb_cal_get(const sb_cal_table *t, uint8_t slot, sb_cal_point *point)
{
    if (slot >= SB_CAL_SLOT_COUNT) {
        return SB_ERR_RANGE;
    }
    *point = t->points[slot];
    return SB_OK;
}

uint32_t sb_crc32(const uint8_t *data, size_t len)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0u; i < len; i++) {
        crc ^= data[i];
        for (unsigned bit = 0u; bit < 8u; bit++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

void sb_cal_serialize(const sb_cal_table *t, uint8_t out[SB_CAL_BLOB_SIZE])
{
    memcpy(out, MAGIC, sizeof MAGIC);
    out[4] = SB_CAL_FORMAT_VERSION;
    out[5] = SB_CAL_SLOT_COUNT;
    uint8_t *p = out + 6;
    for (unsigned i = 0u; i < SB_CAL_SLOT_COUNT; i++, p += 8) {
        sb_put_f32(p, t->points[i].load_n);
        sb_put_f32(p + 4, t->points[i].pressure_pa);
    }
    sb_put_u32(p, sb_crc32(out, SB_CAL_BLOB_SIZE - 4u));
}

sb_err sb_cal_deserialize(sb_cal_table *t, const uint8_t *data, size_t len)
{
    sb_cal_clear(t);
    if (len != SB_CAL_BLOB_SIZE) {
        return len < SB_CAL_BLOB_SIZE ? SB_ERR_TRUNCATED : SB_ERR_LENGTH;
    }
    if (memcmp(data, MAGIC, sizeof MAGIC) != 0 || data[4] != SB_CAL_FORMAT_VERSION ||
        data[5] != SB_CAL_SLOT_COUNT) {
        return SB_ERR_VERSION;
    }
    if (sb_get_u32(data + SB_CAL_BLOB_SIZE - 4u) != sb_crc32(data, SB_CAL_BLOB_SIZE - 4u)) {
        return SB_ERR_RANGE;
    }
    sb_cal_table loaded;
    sb_cal_clear(&loaded);
    const uint8_t *p = data + 6;
    for (uint8_t i = 0u; i < SB_CAL_SLOT_COUNT; i++, p += 8) {
        sb_err err = sb_cal_set(&loaded, i, sb_get_f32(p), sb_get_f32(p + 4));
        if (err != SB_OK) {
            return err;
        }
    }
    *t = loaded;
    return SB_OK;
}
