/*
 * The one sb_device (the portable core's ball logic) shared by the NimBLE
 * host task, the sampler task and the supervisor task. Every access goes
 * through app_lock()/app_unlock().
 */
#ifndef SPINEBALL_APP_STATE_H
#define SPINEBALL_APP_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "esp_err.h"
#include "spineball/sb_device.h"

/* Create the device (power-on). The calibration blob may be NULL. */
esp_err_t app_state_init(bool has_bonds, const uint8_t *cal_blob, size_t cal_len);

/* Milliseconds since boot (wraps after 49 days; the core is wrap-safe). */
uint32_t app_now_ms(void);

sb_device *app_lock(void);
void app_unlock(void);

#endif /* SPINEBALL_APP_STATE_H */
