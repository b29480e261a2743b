/* Light sleep between samples (esp_pm) and deep sleep when idle. */
#ifndef SPINEBALL_POWER_H
#define SPINEBALL_POWER_H

#include <stdbool.h>

#include "esp_err.h"

/* Dynamic frequency scaling with automatic light sleep. */
esp_err_t power_init(void);

/*
 * Deep sleep until the button is pressed, or — unless the battery is
 * critical — until the IMU feels motion. Does not return (wake = reboot).
 */
void power_deep_sleep(bool wake_on_motion);

/* Why the ball woke up, for the log. */
const char *power_wake_reason(void);

#endif /* SPINEBALL_POWER_H */
