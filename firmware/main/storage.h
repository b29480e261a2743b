/* NVS storage of the calibration points (the bonds are NimBLE's own NVS store). */
#ifndef SPINEBALL_STORAGE_H
#define SPINEBALL_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"

/* Initialise NVS; a full or outdated partition is erased and re-initialised. */
esp_err_t storage_init(void);

/* Read the calibration blob into buf; ESP_ERR_NVS_NOT_FOUND when none stored. */
esp_err_t storage_load_calibration(uint8_t *buf, size_t *len);

esp_err_t storage_save_calibration(const uint8_t *blob, size_t len);

#endif /* SPINEBALL_STORAGE_H */
