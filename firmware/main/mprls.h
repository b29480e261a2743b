/*
 * Honeywell MPRLS0025PA00001A pressure sensor (0–25 psi absolute, I²C 0x18).
 * Conversions are pipelined with the sample timer: each tick reads the
 * result of the conversion started on the previous tick (≈ 5 ms) and starts
 * the next one, so the sampler never waits for the sensor.
 */
#ifndef SPINEBALL_MPRLS_H
#define SPINEBALL_MPRLS_H

#include "esp_err.h"
#include "spineball/sb_sensors.h"

esp_err_t mprls_init(void);

/* Start a conversion (command 0xAA 0x00 0x00). */
esp_err_t mprls_start(void);

/*
 * Fetch the result of the running conversion. SB_MPRLS_BUSY when End Of
 * Conversion is still low (no bus traffic), SB_MPRLS_FAULT on a bus error or
 * a status error bit; the pressure is NaN unless the state is OK/SATURATED.
 */
sb_mprls_state mprls_read(double *pressure_pa);

#endif /* SPINEBALL_MPRLS_H */
