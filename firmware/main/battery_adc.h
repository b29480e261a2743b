/* Battery voltage on A0 through the 2 × 100 kΩ divider (ADC1, calibrated). */
#ifndef SPINEBALL_BATTERY_ADC_H
#define SPINEBALL_BATTERY_ADC_H

#include <stdint.h>

#include "esp_err.h"

esp_err_t battery_adc_init(void);

/* Cell voltage in mV (the pin voltage × 2), averaged over 16 conversions. */
esp_err_t battery_adc_read_mv(uint16_t *cell_mv);

#endif /* SPINEBALL_BATTERY_ADC_H */
