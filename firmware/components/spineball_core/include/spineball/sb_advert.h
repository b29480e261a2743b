/*
 * Advertising payload (docs/protocol.md §1.3): flags + the 128-bit SpineBall
 * service UUID + the name SB-XXXX, all in one 31-byte legacy advertisement.
 */
#ifndef SPINEBALL_SB_ADVERT_H
#define SPINEBALL_SB_ADVERT_H

#include "spineball/sb_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SB_ADV_MAX_SIZE 31u
#define SB_ADV_NAME_MAX 8u /* 3 + 18 + 2 + 8 = 31 */
#define SB_ADV_NAME_SIZE 8u /* "SB-1A2B" + NUL */

/* The SpineBall service UUID 5b1d0001-ba11-4c0d-8e5a-5b1dba110000, little-endian
 * as it goes on the air (and as NimBLE's BLE_UUID128_INIT takes it). */
extern const uint8_t SB_SERVICE_UUID_LE[16];

/* 5b1dXXXX-ba11-4c0d-8e5a-5b1dba110000 little-endian: the SpineBall UUID family
 * (0x0001 service, 0x0002 Samples, 0x0003 Control, 0x0004 Status). */
void sb_uuid128_le(uint16_t short_id, uint8_t out[16]);

/*
 * "SB-" + the last four hex digits of the device address. `addr` is in the
 * on-air (little-endian) byte order, so "AA:BB:CC:DD:1A:2B" is
 * {0x2B, 0x1A, 0xDD, 0xCC, 0xBB, 0xAA} and gives "SB-1A2B".
 */
void sb_adv_name_for_address(const uint8_t addr[6], char out[SB_ADV_NAME_SIZE]);

/* Encode the advertisement; SB_ERR_LENGTH when the name does not fit. */
sb_err sb_adv_encode(const char *name, uint8_t out[SB_ADV_MAX_SIZE], size_t *out_len);

typedef struct {
    uint8_t flags;
    bool has_service;             /* the SpineBall UUID is listed */
    char name[SB_ADV_NAME_MAX + 1]; /* NUL-terminated; empty when absent or too long */
} sb_adv_info;

/* Parse AD structures (unknown types skipped, malformed lengths rejected). */
sb_err sb_adv_decode(const uint8_t *data, size_t len, sb_adv_info *info);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_ADVERT_H */
