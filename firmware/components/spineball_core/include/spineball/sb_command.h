/*
 * Control characteristic (docs/protocol.md §4): command parser and encoder,
 * response encoder and decoder. One table gives each opcode's parameter
 * length and bounds, so parsing and validation are the same code for all.
 */
#ifndef SPINEBALL_SB_COMMAND_H
#define SPINEBALL_SB_COMMAND_H

#include "spineball/sb_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SB_CAL_SLOT_COUNT 3u
#define SB_BUZZ_PATTERN_MAX 3u
#define SB_BUZZ_REPETITIONS_MAX 10u
#define SB_IDENTIFY_SECONDS_MAX 60u

typedef struct {
    uint8_t op;  /* sb_opcode */
    uint8_t seq; /* echoed in the response */
    union {
        struct {
            uint8_t rate;
        } start, set_rate;
        struct {
            uint32_t from_index;
            uint16_t max_count;
        } backfill;
        struct {
            uint8_t seconds;
        } identify, pairing_window;
        struct {
            uint8_t slot;
        } cal_get;
        struct {
            uint8_t slot;
            float load_n;
            float pressure_pa;
        } cal_set;
        struct {
            uint8_t pattern;
            uint8_t repetitions;
        } buzz;
    } p;
} sb_command;

/*
 * Parse a Control write. On any error `cmd->op` and `cmd->seq` hold what
 * could be read (0 when absent), so the caller can still answer with
 * sb_result_for_error(). Checks, in this order: length < 2 → truncated,
 * unknown op → opcode, parameter length → length, parameter bounds → range.
 */
sb_err sb_command_parse(const uint8_t *data, size_t len, sb_command *cmd);

/* Encode a command (the client's side; used by tests and tools). */
sb_err sb_command_encode(const sb_command *cmd, uint8_t *out, size_t cap, size_t *out_len);

/* The result code for a command that could not be accepted (§4.2). */
sb_result sb_result_for_error(sb_err err);

/* Does this op's response carry a payload (for OK and PARTIAL)? */
bool sb_response_has_payload(uint8_t op);

typedef struct {
    uint8_t op; /* the command's op, without the response bit */
    uint8_t seq;
    uint8_t result; /* sb_result */
    union {
        struct {
            uint32_t next_index;
        } stop;
        struct {
            uint32_t rest_pressure_raw;
        } tare;
        struct {
            uint32_t first;
            uint32_t count;
        } backfill;
        struct {
            uint8_t slot;
            float load_n;
            float pressure_pa;
        } cal_get;
        struct {
            uint8_t remaining_s;
        } pairing_window;
    } p;
} sb_response;

/* Encode a response; the payload is included only when the op has one and
 * the result is OK or PARTIAL. */
sb_err sb_response_encode(const sb_response *resp, uint8_t *out, size_t cap, size_t *out_len);

/* Decode a response (the client's side; all checks of the Python codec). */
sb_err sb_response_decode(const uint8_t *data, size_t len, sb_response *resp);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_COMMAND_H */
