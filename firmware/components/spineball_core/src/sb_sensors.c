#include "spineball/sb_sensors.h"

#include <math.h>

#include "sb_wire.h"

#define DEG_TO_RAD 0.017453292519943295f

sb_mprls_state sb_mprls_decode(const uint8_t reply[4], double *pressure_pa)
{
    uint8_t status = reply[0];
    uint32_t counts = ((uint32_t)reply[1] << 16) | ((uint32_t)reply[2] << 8) | reply[3];
    *pressure_pa = NAN;
    if ((status & SB_MPRLS_STATUS_POWERED) == 0u || (status & SB_MPRLS_STATUS_INTEGRITY) != 0u) {
        return SB_MPRLS_FAULT;
    }
    if ((status & SB_MPRLS_STATUS_BUSY) != 0u) {
        return SB_MPRLS_BUSY;
    }
    double psi = ((double)counts - (double)SB_MPRLS_OUTPUT_MIN) * SB_MPRLS_PMAX_PSI /
                 (double)(SB_MPRLS_OUTPUT_MAX - SB_MPRLS_OUTPUT_MIN);
    *pressure_pa = psi * SB_PA_PER_PSI;
    return (status & SB_MPRLS_STATUS_SATURATED) != 0u ? SB_MPRLS_SATURATED : SB_MPRLS_OK;
}

void sb_lsm6dsox_convert(const uint8_t burst[SB_LSM6DSOX_BURST_SIZE], sb_imu_reading *out)
{
    /* Temperature: 256 LSB/°C, 0 LSB = 25 °C. */
    out->temperature_c = 25.0f + (float)sb_get_i16(burst) / 256.0f;
    for (unsigned i = 0u; i < 3u; i++) {
        out->gyro_rad_s[i] =
            (float)sb_get_i16(burst + 2u + 2u * i) * SB_LSM6DSOX_GYRO_DPS_PER_LSB * DEG_TO_RAD;
        out->accel_g[i] = (float)sb_get_i16(burst + 8u + 2u * i) * SB_LSM6DSOX_ACCEL_G_PER_LSB;
    }
}

bool sb_motion_detected(const sb_imu_reading *r)
{
    const float *g = r->gyro_rad_s;
    const float *a = r->accel_g;
    float rate = sqrtf(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
    float force = sqrtf(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    return rate > SB_MOTION_GYRO_RAD_S || fabsf(force - 1.0f) > SB_MOTION_ACCEL_G;
}
