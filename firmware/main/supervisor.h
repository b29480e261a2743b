/*
 * Housekeeping every 20 ms: button, LED, vibration motor, pairing window,
 * Status/Battery/Environmental Sensing notifications, battery voltage every
 * 10 s, and the decision to deep-sleep.
 */
#ifndef SPINEBALL_SUPERVISOR_H
#define SPINEBALL_SUPERVISOR_H

#include "esp_err.h"

/* Configure the LED, motor and button pins (outputs off). */
esp_err_t supervisor_init_pins(void);

esp_err_t supervisor_start(void);

#endif /* SPINEBALL_SUPERVISOR_H */
