/*
 * Sensor data conversions that need no bus access, so they are tested on
 * the host: the Honeywell MPRLS0025PA00001A reply and the LSM6DSOX output
 * registers. The I²C transactions themselves live in the ESP-IDF layer.
 */
#ifndef SPINEBALL_SB_SENSORS_H
#define SPINEBALL_SB_SENSORS_H

#include "spineball/sb_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- MPRLS (datasheet: MPR Series, I²C address 0x18, 24-bit output) ---- */
#define SB_MPRLS_ADDRESS 0x18u
#define SB_MPRLS_STATUS_POWERED 0x40u    /* bit 6: device is powered */
#define SB_MPRLS_STATUS_BUSY 0x20u       /* bit 5: conversion running */
#define SB_MPRLS_STATUS_INTEGRITY 0x04u  /* bit 2: memory integrity test failed */
#define SB_MPRLS_STATUS_SATURATED 0x01u  /* bit 0: internal math saturation */
/* Transfer function "A": 10 % … 90 % of 2^24 counts span 0 … 25 psi. */
#define SB_MPRLS_OUTPUT_MIN 0x19999Au
#define SB_MPRLS_OUTPUT_MAX 0xE66666u
#define SB_MPRLS_PMAX_PSI 25.0
#define SB_PA_PER_PSI 6894.757293168

typedef enum {
    SB_MPRLS_OK = 0,
    SB_MPRLS_BUSY,       /* not ready yet: read again later */
    SB_MPRLS_FAULT,      /* not powered or memory integrity failed: no valid reading */
    SB_MPRLS_SATURATED   /* math saturation: the value is clamped, not trustworthy */
} sb_mprls_state;

/* Decode the 4-byte reply (status, 24-bit counts) into absolute pressure. */
sb_mprls_state sb_mprls_decode(const uint8_t reply[4], double *pressure_pa);

/* ---- LSM6DSOX (datasheet DS12814) ---- */
#define SB_LSM6DSOX_ADDRESS 0x6Au  /* SA0 to GND */
#define SB_LSM6DSOX_WHO_AM_I 0x0Fu
#define SB_LSM6DSOX_WHO_AM_I_VALUE 0x6Cu
#define SB_LSM6DSOX_OUT_TEMP_L 0x20u /* 14 bytes: temperature, gyro xyz, accel xyz */
#define SB_LSM6DSOX_BURST_SIZE 14u
#define SB_LSM6DSOX_GYRO_DPS_PER_LSB 0.0175f   /* ±500 dps full scale */
#define SB_LSM6DSOX_ACCEL_G_PER_LSB 0.000122f  /* ±4 g full scale */

typedef struct {
    float gyro_rad_s[3];
    float accel_g[3];
    float temperature_c;
} sb_imu_reading;

/* Convert one burst read starting at OUT_TEMP_L. */
void sb_lsm6dsox_convert(const uint8_t burst[SB_LSM6DSOX_BURST_SIZE], sb_imu_reading *out);

/* ---- motion, for the idle timer and wake-on-motion ---- */
/* Rotation faster than ~8.6 °/s or a specific force 0.08 g away from 1 g. */
#define SB_MOTION_GYRO_RAD_S 0.15f
#define SB_MOTION_ACCEL_G 0.08f

bool sb_motion_detected(const sb_imu_reading *r);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_SENSORS_H */
