#include "spineball/sb_protocol.h"

unsigned sb_rate_hz(unsigned rate)
{
    static const unsigned hz[] = {25u, 50u, 100u, 200u};
    return rate <= SB_RATE_MAX ? hz[rate] : 0u;
}

const char *sb_err_name(sb_err err)
{
    switch (err) {
    case SB_OK:
        return "ok";
    case SB_ERR_TRUNCATED:
        return "truncated";
    case SB_ERR_LENGTH:
        return "length";
    case SB_ERR_VERSION:
        return "version";
    case SB_ERR_FLAGS:
        return "flags";
    case SB_ERR_COUNT:
        return "count";
    case SB_ERR_RANGE:
        return "range";
    case SB_ERR_OPCODE:
        return "opcode";
    case SB_ERR_CAPACITY:
        return "capacity";
    }
    return "unknown";
}
