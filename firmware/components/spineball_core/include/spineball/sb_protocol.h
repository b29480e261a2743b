/*
 * SpineBall wire protocol v1: constants and the error kinds shared by every
 * codec of the portable core (docs/protocol.md is the contract).
 *
 * The core is plain C99 with no ESP-IDF headers, so it builds for the host
 * tests, for the ESP32-C3/C6 and as a shared library for the Python tests.
 */
#ifndef SPINEBALL_SB_PROTOCOL_H
#define SPINEBALL_SB_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SB_PROTOCOL_VERSION 1u

/* §3.1 frame layout */
#define SB_FRAME_HEADER_SIZE 9u
#define SB_SAMPLE_SIZE 9u
#define SB_MAX_SAMPLES_PER_FRAME 26u
#define SB_MAX_FRAME_SIZE (SB_FRAME_HEADER_SIZE + SB_SAMPLE_SIZE * SB_MAX_SAMPLES_PER_FRAME)
#define SB_ATT_MTU_MIN 23u
#define SB_ATT_NOTIFY_OVERHEAD 3u /* opcode + handle of a Handle Value Notification */
#define SB_BATCH_DELAY_MS 50u     /* §3.1: a sample waits at most 50 ms for its frame */

/* §3.2 frame flags */
#define SB_FRAME_FLAG_BACKFILL 0x01u
#define SB_FRAME_FLAG_BACKFILL_END 0x02u
#define SB_FRAME_RATE_SHIFT 4u
#define SB_FRAME_RATE_MASK 0x30u
#define SB_FRAME_RESERVED_FLAGS 0xCCu

/* §3.3 sample fields */
#define SB_PRESSURE_INVALID 0x3FFFFFu
#define SB_PRESSURE_MAX_RAW 0x3FFFFEu
#define SB_PRESSURE_RAW_PER_PA 16.0 /* 1/16 Pa resolution */
#define SB_TEMPERATURE_INVALID 0x7FFF
#define SB_TEMPERATURE_RAW_PER_C 100.0
#define SB_QUAT_KEPT_MIN (-32767)

/* §4 control characteristic: every command and response fits MTU 23 */
#define SB_CONTROL_MAX_SIZE 20u
#define SB_RESPONSE_BIT 0x80u

/* §5 status characteristic */
#define SB_STATUS_SIZE 20u

/* Sample rate codes (the RATE field of frame flags and commands). */
typedef enum {
    SB_RATE_25HZ = 0,
    SB_RATE_50HZ = 1,
    SB_RATE_100HZ = 2,
    SB_RATE_200HZ = 3
} sb_rate;

#define SB_RATE_MAX SB_RATE_200HZ

/* §4.1 control opcodes */
typedef enum {
    SB_OP_START = 0x01,
    SB_OP_STOP = 0x02,
    SB_OP_SET_RATE = 0x03,
    SB_OP_TARE = 0x04,
    SB_OP_BACKFILL = 0x05,
    SB_OP_IDENTIFY = 0x06,
    SB_OP_CLEAR_BONDS = 0x07,
    SB_OP_CAL_GET = 0x08,
    SB_OP_CAL_SET = 0x09,
    SB_OP_PAIRING_WINDOW = 0x0A,
    SB_OP_BUZZ = 0x0B
} sb_opcode;

/* §4.2 result codes */
typedef enum {
    SB_RESULT_OK = 0,
    SB_RESULT_UNKNOWN_OPCODE = 1,
    SB_RESULT_BAD_LENGTH = 2,
    SB_RESULT_BAD_VALUE = 3,
    SB_RESULT_BUSY = 4,
    SB_RESULT_NOT_STREAMING = 5,
    SB_RESULT_PARTIAL = 6,
    SB_RESULT_SENSOR_FAULT = 7,
    SB_RESULT_STORAGE_ERROR = 8
} sb_result;

#define SB_RESULT_MAX SB_RESULT_STORAGE_ERROR

/* Samples per second of a rate code (0 for an invalid code). */
unsigned sb_rate_hz(unsigned rate);

/*
 * Why a message was rejected. The names (sb_err_name) are the same as the
 * Python codec's ErrorKind in src/spineball/protocol/errors.py, so both
 * sides are checked against the same "error" strings of the golden vectors.
 */
typedef enum {
    SB_OK = 0,
    SB_ERR_TRUNCATED,  /* "truncated": shorter than its layout */
    SB_ERR_LENGTH,     /* "length": longer than / inconsistent with its layout */
    SB_ERR_VERSION,    /* "version": unsupported version byte */
    SB_ERR_FLAGS,      /* "flags": reserved bits set, or an impossible combination */
    SB_ERR_COUNT,      /* "count": sample count outside 1 … 26 */
    SB_ERR_RANGE,      /* "range": a value outside its allowed range */
    SB_ERR_OPCODE,     /* "opcode": unknown opcode */
    SB_ERR_CAPACITY    /* not a wire error: the caller's output buffer is too small */
} sb_err;

/* The stable lower-case name of an error kind ("truncated", …). */
const char *sb_err_name(sb_err err);

/*
 * Wrap-safe order of 32-bit sample indices (they wrap at 2^32): true when
 * `a` comes before `b`, i.e. b is less than 2^31 ahead of a.
 */
static inline bool sb_index_before(uint32_t a, uint32_t b)
{
    return (uint32_t)(a - b) >= 0x80000000u;
}

/* Wrap-safe "deadline reached" for 32-bit millisecond clocks. */
static inline bool sb_time_reached(uint32_t now_ms, uint32_t deadline_ms)
{
    return !sb_index_before(now_ms, deadline_ms);
}

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_PROTOCOL_H */
