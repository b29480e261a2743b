#include "spineball/sb_command.h"

#include <math.h>
#include <string.h>

#include "sb_wire.h"

/* Plausible calibration points (the Python codec's bounds): a person's load
 * on the ball and an absolute pressure the 22-bit field can carry. */
#define SB_CAL_LOAD_MAX_N 5000.0f
#define SB_CAL_PRESSURE_LIMIT_PA 262144.0f

typedef struct {
    uint8_t param_len;
    uint8_t response_len; /* payload bytes of an OK/PARTIAL response; 0 = none */
} op_layout;

/* Indexed by opcode (§4.1). */
static const op_layout LAYOUTS[] = {
    [SB_OP_START] = {1u, 0u},          [SB_OP_STOP] = {0u, 4u},
    [SB_OP_SET_RATE] = {1u, 0u},       [SB_OP_TARE] = {0u, 4u},
    [SB_OP_BACKFILL] = {6u, 8u},       [SB_OP_IDENTIFY] = {1u, 0u},
    [SB_OP_CLEAR_BONDS] = {0u, 0u},    [SB_OP_CAL_GET] = {1u, 9u},
    [SB_OP_CAL_SET] = {9u, 0u},        [SB_OP_PAIRING_WINDOW] = {1u, 1u},
    [SB_OP_BUZZ] = {2u, 0u},
};

static bool op_known(uint8_t op)
{
    return op >= SB_OP_START && op <= SB_OP_BUZZ;
}

bool sb_response_has_payload(uint8_t op)
{
    return op_known(op) && LAYOUTS[op].response_len > 0u;
}

static bool in_range(unsigned value, unsigned lo, unsigned hi)
{
    return value >= lo && value <= hi;
}

static bool cal_point_plausible(float load_n, float pressure_pa)
{
    bool load_nan = isnan(load_n) != 0;
    bool pressure_nan = isnan(pressure_pa) != 0;
    if (load_nan || pressure_nan) {
        return load_nan && pressure_nan; /* NaN, NaN empties the slot */
    }
    return load_n >= 0.0f && load_n <= SB_CAL_LOAD_MAX_N && pressure_pa > 0.0f &&
           pressure_pa < SB_CAL_PRESSURE_LIMIT_PA;
}

static sb_err check_bounds(const sb_command *cmd)
{
    bool ok = true;
    switch ((sb_opcode)cmd->op) {
    case SB_OP_START:
    case SB_OP_SET_RATE:
        ok = in_range(cmd->p.start.rate, 0u, SB_RATE_MAX);
        break;
    case SB_OP_IDENTIFY:
        ok = in_range(cmd->p.identify.seconds, 1u, SB_IDENTIFY_SECONDS_MAX);
        break;
    case SB_OP_CAL_GET:
        ok = cmd->p.cal_get.slot < SB_CAL_SLOT_COUNT;
        break;
    case SB_OP_CAL_SET:
        ok = cmd->p.cal_set.slot < SB_CAL_SLOT_COUNT &&
             cal_point_plausible(cmd->p.cal_set.load_n, cmd->p.cal_set.pressure_pa);
        break;
    case SB_OP_BUZZ:
        ok = cmd->p.buzz.pattern <= SB_BUZZ_PATTERN_MAX &&
             in_range(cmd->p.buzz.repetitions, 1u, SB_BUZZ_REPETITIONS_MAX);
        break;
    case SB_OP_STOP:
    case SB_OP_TARE:
    case SB_OP_BACKFILL:
    case SB_OP_CLEAR_BONDS:
    case SB_OP_PAIRING_WINDOW:
        break;
    }
    return ok ? SB_OK : SB_ERR_RANGE;
}

sb_err sb_command_parse(const uint8_t *data, size_t len, sb_command *cmd)
{
    memset(cmd, 0, sizeof *cmd);
    if (len >= 1u) {
        cmd->op = data[0];
    }
    if (len < 2u) {
        return SB_ERR_TRUNCATED;
    }
    cmd->seq = data[1];
    if (!op_known(cmd->op)) {
        return SB_ERR_OPCODE;
    }
    const uint8_t *params = data + 2;
    if (len - 2u != LAYOUTS[cmd->op].param_len) {
        return SB_ERR_LENGTH;
    }
    switch ((sb_opcode)cmd->op) {
    case SB_OP_START:
    case SB_OP_SET_RATE:
        cmd->p.start.rate = params[0];
        break;
    case SB_OP_BACKFILL:
        cmd->p.backfill.from_index = sb_get_u32(params);
        cmd->p.backfill.max_count = sb_get_u16(params + 4);
        break;
    case SB_OP_IDENTIFY:
    case SB_OP_PAIRING_WINDOW:
        cmd->p.identify.seconds = params[0];
        break;
    case SB_OP_CAL_GET:
        cmd->p.cal_get.slot = params[0];
        break;
    case SB_OP_CAL_SET:
        cmd->p.cal_set.slot = params[0];
        cmd->p.cal_set.load_n = sb_get_f32(params + 1);
        cmd->p.cal_set.pressure_pa = sb_get_f32(params + 5);
        break;
    case SB_OP_BUZZ:
        cmd->p.buzz.pattern = params[0];
        cmd->p.buzz.repetitions = params[1];
        break;
    case SB_OP_STOP:
    case SB_OP_TARE:
    case SB_OP_CLEAR_BONDS:
        break;
    }
    return check_bounds(cmd);
}

sb_err sb_command_encode(const sb_command *cmd, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!op_known(cmd->op)) {
        return SB_ERR_OPCODE;
    }
    sb_err err = check_bounds(cmd);
    if (err != SB_OK) {
        return err;
    }
    size_t len = 2u + LAYOUTS[cmd->op].param_len;
    if (cap < len) {
        return SB_ERR_CAPACITY;
    }
    out[0] = cmd->op;
    out[1] = cmd->seq;
    uint8_t *params = out + 2;
    switch ((sb_opcode)cmd->op) {
    case SB_OP_START:
    case SB_OP_SET_RATE:
        params[0] = cmd->p.start.rate;
        break;
    case SB_OP_BACKFILL:
        sb_put_u32(params, cmd->p.backfill.from_index);
        sb_put_u16(params + 4, cmd->p.backfill.max_count);
        break;
    case SB_OP_IDENTIFY:
    case SB_OP_PAIRING_WINDOW:
        params[0] = cmd->p.identify.seconds;
        break;
    case SB_OP_CAL_GET:
        params[0] = cmd->p.cal_get.slot;
        break;
    case SB_OP_CAL_SET:
        params[0] = cmd->p.cal_set.slot;
        sb_put_f32(params + 1, cmd->p.cal_set.load_n);
        sb_put_f32(params + 5, cmd->p.cal_set.pressure_pa);
        break;
    case SB_OP_BUZZ:
        params[0] = cmd->p.buzz.pattern;
        params[1] = cmd->p.buzz.repetitions;
        break;
    case SB_OP_STOP:
    case SB_OP_TARE:
    case SB_OP_CLEAR_BONDS:
        break;
    }
    *out_len = len;
    return SB_OK;
}

sb_result sb_result_for_error(sb_err err)
{
    switch (err) {
    case SB_OK:
        return SB_RESULT_OK;
    case SB_ERR_OPCODE:
        return SB_RESULT_UNKNOWN_OPCODE;
    case SB_ERR_LENGTH:
    case SB_ERR_TRUNCATED:
        return SB_RESULT_BAD_LENGTH;
    case SB_ERR_VERSION:
    case SB_ERR_FLAGS:
    case SB_ERR_COUNT:
    case SB_ERR_RANGE:
    case SB_ERR_CAPACITY:
        break;
    }
    return SB_RESULT_BAD_VALUE;
}

static bool result_carries_payload(uint8_t result)
{
    return result == SB_RESULT_OK || result == SB_RESULT_PARTIAL;
}

sb_err sb_response_encode(const sb_response *resp, uint8_t *out, size_t cap, size_t *out_len)
{
    if (resp->result > SB_RESULT_MAX) {
        return SB_ERR_RANGE;
    }
    size_t payload =
        (result_carries_payload(resp->result) && sb_response_has_payload(resp->op))
            ? LAYOUTS[resp->op].response_len
            : 0u;
    if (cap < 3u + payload) {
        return SB_ERR_CAPACITY;
    }
    out[0] = (uint8_t)(SB_RESPONSE_BIT | (resp->op & 0x7Fu));
    out[1] = resp->seq;
    out[2] = resp->result;
    uint8_t *p = out + 3;
    if (payload > 0u) {
        switch ((sb_opcode)resp->op) {
        case SB_OP_STOP:
            sb_put_u32(p, resp->p.stop.next_index);
            break;
        case SB_OP_TARE:
            sb_put_u32(p, resp->p.tare.rest_pressure_raw);
            break;
        case SB_OP_BACKFILL:
            sb_put_u32(p, resp->p.backfill.first);
            sb_put_u32(p + 4, resp->p.backfill.count);
            break;
        case SB_OP_CAL_GET:
            p[0] = resp->p.cal_get.slot;
            sb_put_f32(p + 1, resp->p.cal_get.load_n);
            sb_put_f32(p + 5, resp->p.cal_get.pressure_pa);
            break;
        case SB_OP_PAIRING_WINDOW:
            p[0] = resp->p.pairing_window.remaining_s;
            break;
        case SB_OP_START:
        case SB_OP_SET_RATE:
        case SB_OP_IDENTIFY:
        case SB_OP_CLEAR_BONDS:
        case SB_OP_CAL_SET:
        case SB_OP_BUZZ:
            break;
        }
    }
    *out_len = 3u + payload;
    return SB_OK;
}

sb_err sb_response_decode(const uint8_t *data, size_t len, sb_response *resp)
{
    memset(resp, 0, sizeof *resp);
    if (len < 3u) {
        return SB_ERR_TRUNCATED;
    }
    if ((data[0] & SB_RESPONSE_BIT) == 0u) {
        return SB_ERR_OPCODE;
    }
    resp->op = (uint8_t)(data[0] & 0x7Fu);
    resp->seq = data[1];
    resp->result = data[2];
    if (!op_known(resp->op) || resp->result > SB_RESULT_MAX) {
        return SB_ERR_RANGE;
    }
    size_t expected =
        (result_carries_payload(resp->result) && sb_response_has_payload(resp->op))
            ? LAYOUTS[resp->op].response_len
            : 0u;
    if (len - 3u != expected) {
        return SB_ERR_LENGTH;
    }
    const uint8_t *p = data + 3;
    if (expected > 0u) {
        switch ((sb_opcode)resp->op) {
        case SB_OP_STOP:
            resp->p.stop.next_index = sb_get_u32(p);
            break;
        case SB_OP_TARE:
            resp->p.tare.rest_pressure_raw = sb_get_u32(p);
            break;
        case SB_OP_BACKFILL:
            resp->p.backfill.first = sb_get_u32(p);
            resp->p.backfill.count = sb_get_u32(p + 4);
            break;
        case SB_OP_CAL_GET:
            resp->p.cal_get.slot = p[0];
            resp->p.cal_get.load_n = sb_get_f32(p + 1);
            resp->p.cal_get.pressure_pa = sb_get_f32(p + 5);
            break;
        case SB_OP_PAIRING_WINDOW:
            resp->p.pairing_window.remaining_s = p[0];
            break;
        case SB_OP_START:
        case SB_OP_SET_RATE:
        case SB_OP_IDENTIFY:
        case SB_OP_CLEAR_BONDS:
        case SB_OP_CAL_SET:
        case SB_OP_BUZZ:
            break;
        }
    }
    return SB_OK;
}
