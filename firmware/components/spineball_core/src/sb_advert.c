#include "spineball/sb_advert.h"

#include <string.h>

#define AD_FLAGS 0x01u
#define AD_INCOMPLETE_128 0x06u
#define AD_COMPLETE_128 0x07u
#define AD_SHORT_NAME 0x08u
#define AD_COMPLETE_NAME 0x09u
#define LE_GENERAL_DISCOVERABLE_NO_BREDR 0x06u

const uint8_t SB_SERVICE_UUID_LE[16] = {0x00, 0x00, 0x11, 0xba, 0x1d, 0x5b, 0x5a, 0x8e,
                                        0x0d, 0x4c, 0x11, 0xba, 0x01, 0x00, 0x1d, 0x5b};

void sb_uuid128_le(uint16_t short_id, uint8_t out[16])
{
    memcpy(out, SB_SERVICE_UUID_LE, 16u);
    out[12] = (uint8_t)(short_id & 0xFFu);
    out[13] = (uint8_t)(short_id >> 8);
}

void sb_adv_name_for_address(const uint8_t addr[6], char out[SB_ADV_NAME_SIZE])
{
    static const char hex[] = "0123456789ABCDEF";
    out[0] = 'S';
    out[1] = 'B';
    out[2] = '-';
    out[3] = hex[addr[1] >> 4];
    out[4] = hex[addr[1] & 0x0Fu];
    out[5] = hex[addr[0] >> 4];
    out[6] = hex[addr[0] & 0x0Fu];
    out[7] = '\0';
}

sb_err sb_adv_encode(const char *name, uint8_t out[SB_ADV_MAX_SIZE], size_t *out_len)
{
    size_t name_len = strlen(name);
    size_t total = 3u + 18u + 2u + name_len;
    if (name_len == 0u || total > SB_ADV_MAX_SIZE) {
        return SB_ERR_LENGTH;
    }
    uint8_t *p = out;
    *p++ = 2u;
    *p++ = AD_FLAGS;
    *p++ = LE_GENERAL_DISCOVERABLE_NO_BREDR;
    *p++ = 17u;
    *p++ = AD_COMPLETE_128;
    memcpy(p, SB_SERVICE_UUID_LE, 16u);
    p += 16;
    *p++ = (uint8_t)(name_len + 1u);
    *p++ = AD_COMPLETE_NAME;
    memcpy(p, name, name_len);
    *out_len = total;
    return SB_OK;
}

sb_err sb_adv_decode(const uint8_t *data, size_t len, sb_adv_info *info)
{
    memset(info, 0, sizeof *info);
    if (len > SB_ADV_MAX_SIZE) {
        return SB_ERR_LENGTH;
    }
    size_t pos = 0u;
    while (pos < len) {
        size_t field = data[pos];
        if (field == 0u) {
            break; /* early terminator: the rest is padding */
        }
        if (pos + 1u + field > len) {
            return SB_ERR_TRUNCATED;
        }
        uint8_t type = data[pos + 1u];
        const uint8_t *value = data + pos + 2u;
        size_t value_len = field - 1u;
        if (type == AD_FLAGS && value_len == 1u) {
            info->flags = value[0];
        } else if (type == AD_COMPLETE_128 || type == AD_INCOMPLETE_128) {
            if (value_len % 16u != 0u) {
                return SB_ERR_LENGTH;
            }
            for (size_t i = 0u; i < value_len; i += 16u) {
                if (memcmp(value + i, SB_SERVICE_UUID_LE, 16u) == 0) {
                    info->has_service = true;
                }
            }
        } else if ((type == AD_SHORT_NAME || type == AD_COMPLETE_NAME) &&
                   value_len <= SB_ADV_NAME_MAX) {
            memcpy(info->name, value, value_len);
            info->name[value_len] = '\0';
        }
        pos += 1u + field;
    }
    return SB_OK;
}
