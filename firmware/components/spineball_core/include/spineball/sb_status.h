/* Status characteristic (docs/protocol.md §5): 20 bytes, fits MTU 23. */
#ifndef SPINEBALL_SB_STATUS_H
#define SPINEBALL_SB_STATUS_H

#include "spineball/sb_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

/* flags */
#define SB_STATUS_STREAMING 0x01u
#define SB_STATUS_BACKFILLING 0x02u
#define SB_STATUS_PAIRING_OPEN 0x04u
#define SB_STATUS_HAS_BONDS 0x08u
#define SB_STATUS_CHARGING 0x10u
#define SB_STATUS_LOW_BATTERY 0x20u
#define SB_STATUS_RESERVED_FLAGS 0xC0u

/* errors */
#define SB_ERROR_PRESSURE_SENSOR 0x0001u
#define SB_ERROR_IMU 0x0002u
#define SB_ERROR_PRESSURE_SATURATED 0x0004u
#define SB_ERROR_OVER_PRESSURE 0x0008u
#define SB_ERROR_TEMPERATURE_RANGE 0x0010u
#define SB_ERROR_STORAGE 0x0020u
#define SB_ERROR_BATTERY_CRITICAL 0x0040u
#define SB_ERROR_RESERVED 0xFF80u

#define SB_BATTERY_UNKNOWN 0xFFu

typedef struct {
    uint8_t version;
    uint8_t flags;
    uint8_t battery_pct; /* 0–100, SB_BATTERY_UNKNOWN */
    uint8_t rate;
    uint16_t errors;
    uint32_t oldest_index;
    uint32_t next_index;
    uint16_t run_id;
    uint8_t fw_major;
    uint8_t fw_minor;
    uint8_t fw_patch;
    uint8_t pairing_left_s;
} sb_status;

sb_err sb_status_encode(const sb_status *s, uint8_t out[SB_STATUS_SIZE]);
sb_err sb_status_decode(const uint8_t *data, size_t len, sb_status *s);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_STATUS_H */
