/*
 * ST LSM6DSOX 6-axis IMU (I²C 0x6A): 208 Hz, ±4 g, ±500 dps, block data
 * update; its die temperature is the frame's temperature (the MPRLS reports
 * none). INT1 is active low: unused while running, wake-on-motion in deep
 * sleep.
 */
#ifndef SPINEBALL_LSM6DSOX_H
#define SPINEBALL_LSM6DSOX_H

#include "esp_err.h"
#include "spineball/sb_sensors.h"

esp_err_t lsm6dsox_init(void);

/* One burst read of temperature, gyro and accelerometer. */
esp_err_t lsm6dsox_read(sb_imu_reading *out);

/* Before deep sleep: gyro off, accelerometer 26 Hz low power, INT1 on motion > 125 mg. */
esp_err_t lsm6dsox_arm_wake_on_motion(void);

#endif /* SPINEBALL_LSM6DSOX_H */
