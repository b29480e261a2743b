/*
 * The sampling loop: an esp_timer at the sample rate (25–200 Hz; 25 Hz while
 * not streaming, for motion and the Environmental Sensing summary) wakes a
 * task that reads the IMU and the pressure sensor, runs the orientation
 * filter and hands one sample to the core. Between ticks the CPU light-sleeps.
 */
#ifndef SPINEBALL_SAMPLER_H
#define SPINEBALL_SAMPLER_H

#include "esp_err.h"
#include "spineball/sb_protocol.h"

esp_err_t sampler_start(void);

/* Platform hooks of the core (called with the app lock held). */
void sampler_set_rate(sb_rate rate);
void sampler_begin_run(void);
void sampler_start_gyro_tare(void);

/* Whether the IMU answered at start-up (wake-on-motion needs it). */
bool sampler_imu_present(void);

#endif /* SPINEBALL_SAMPLER_H */
