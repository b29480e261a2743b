#include "spineball/sb_status.h"

#include <string.h>

#include "sb_wire.h"

static sb_err check(const sb_status *s)
{
    if (s->version != SB_PROTOCOL_VERSION) {
        return SB_ERR_VERSION;
    }
    if ((s->flags & SB_STATUS_RESERVED_FLAGS) != 0u || (s->errors & SB_ERROR_RESERVED) != 0u) {
        return SB_ERR_FLAGS;
    }
    if ((s->battery_pct > 100u && s->battery_pct != SB_BATTERY_UNKNOWN) || s->rate > SB_RATE_MAX) {
        return SB_ERR_RANGE;
    }
    return SB_OK;
}

sb_err sb_status_encode(const sb_status *s, uint8_t out[SB_STATUS_SIZE])
{
    sb_err err = check(s);
    if (err != SB_OK) {
        return err;
    }
    out[0] = s->version;
    out[1] = s->flags;
    out[2] = s->battery_pct;
    out[3] = s->rate;
    sb_put_u16(out + 4, s->errors);
    sb_put_u32(out + 6, s->oldest_index);
    sb_put_u32(out + 10, s->next_index);
    sb_put_u16(out + 14, s->run_id);
    out[16] = s->fw_major;
    out[17] = s->fw_minor;
    out[18] = s->fw_patch;
    out[19] = s->pairing_left_s;
    return SB_OK;
}

sb_err sb_status_decode(const uint8_t *data, size_t len, sb_status *s)
{
    memset(s, 0, sizeof *s);
    if (len != SB_STATUS_SIZE) {
        return len < SB_STATUS_SIZE ? SB_ERR_TRUNCATED : SB_ERR_LENGTH;
    }
    s->version = data[0];
    s->flags = data[1];
    s->battery_pct = data[2];
    s->rate = data[3];
    s->errors = sb_get_u16(data + 4);
    s->oldest_index = sb_get_u32(data + 6);
    s->next_index = sb_get_u32(data + 10);
    s->run_id = sb_get_u16(data + 14);
    s->fw_major = data[16];
    s->fw_minor = data[17];
    s->fw_patch = data[18];
    s->pairing_left_s = data[19];
    return check(s);
}
