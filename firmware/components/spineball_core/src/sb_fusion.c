#include "spineball/sb_fusion.h"

#include <math.h>
#include <string.h>

static void normalise(float q[4])
{
    float n = sqrtf(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    if (n > 0.0f && isfinite(n)) {
        for (unsigned i = 0u; i < 4u; i++) {
            q[i] /= n;
        }
    } else {
        q[0] = 1.0f;
        q[1] = q[2] = q[3] = 0.0f;
    }
}

void sb_fusion_init(sb_fusion *f)
{
    memset(f, 0, sizeof *f);
    f->q[0] = 1.0f;
    f->two_kp = SB_FUSION_TWO_KP;
    f->two_ki = SB_FUSION_TWO_KI;
}

void sb_fusion_reset(sb_fusion *f, const float accel[3])
{
    f->integral[0] = f->integral[1] = f->integral[2] = 0.0f;
    float n = sqrtf(accel[0] * accel[0] + accel[1] * accel[1] + accel[2] * accel[2]);
    if (!(n > 0.0f) || !isfinite(n)) {
        f->q[0] = 1.0f;
        f->q[1] = f->q[2] = f->q[3] = 0.0f;
        return;
    }
    float ax = accel[0] / n, ay = accel[1] / n, az = accel[2] / n;
    if (az < -0.999999f) {
        /* Upside down: half a turn about x. */
        f->q[0] = 0.0f;
        f->q[1] = 1.0f;
        f->q[2] = f->q[3] = 0.0f;
        return;
    }
    /* Shortest arc from the measured "up" to world z: axis a × z, no yaw. */
    f->q[0] = 1.0f + az;
    f->q[1] = ay;
    f->q[2] = -ax;
    f->q[3] = 0.0f;
    normalise(f->q);
}

void sb_fusion_update(sb_fusion *f, const float gyro[3], const float accel_g[3], float dt)
{
    float gx = gyro[0] - f->bias[0];
    float gy = gyro[1] - f->bias[1];
    float gz = gyro[2] - f->bias[2];
    float q0 = f->q[0], q1 = f->q[1], q2 = f->q[2], q3 = f->q[3];

    float norm = sqrtf(accel_g[0] * accel_g[0] + accel_g[1] * accel_g[1] +
                       accel_g[2] * accel_g[2]);
    if (isfinite(norm) && fabsf(norm - 1.0f) < SB_FUSION_ACCEL_GATE_G) {
        float ax = accel_g[0] / norm, ay = accel_g[1] / norm, az = accel_g[2] / norm;
        /* World "up" seen from the sensor: third row of the rotation matrix. */
        float vx = 2.0f * (q1 * q3 - q0 * q2);
        float vy = 2.0f * (q0 * q1 + q2 * q3);
        float vz = q0 * q0 - q1 * q1 - q2 * q2 + q3 * q3;
        /* Error: the rotation that would take the estimate onto the measurement. */
        float ex = ay * vz - az * vy;
        float ey = az * vx - ax * vz;
        float ez = ax * vy - ay * vx;
        if (f->two_ki > 0.0f) {
            f->integral[0] += f->two_ki * ex * dt;
            f->integral[1] += f->two_ki * ey * dt;
            f->integral[2] += f->two_ki * ez * dt;
            gx += f->integral[0];
            gy += f->integral[1];
            gz += f->integral[2];
        }
        gx += f->two_kp * ex;
        gy += f->two_kp * ey;
        gz += f->two_kp * ez;
    }
    /* q̇ = ½ q ⊗ (0, ω) */
    gx *= 0.5f * dt;
    gy *= 0.5f * dt;
    gz *= 0.5f * dt;
    f->q[0] = q0 + (-q1 * gx - q2 * gy - q3 * gz);
    f->q[1] = q1 + (q0 * gx + q2 * gz - q3 * gy);
    f->q[2] = q2 + (q0 * gy - q1 * gz + q3 * gx);
    f->q[3] = q3 + (q0 * gz + q1 * gy - q2 * gx);
    normalise(f->q);
}

void sb_fusion_set_bias(sb_fusion *f, const float bias[3])
{
    memcpy(f->bias, bias, sizeof f->bias);
    f->integral[0] = f->integral[1] = f->integral[2] = 0.0f;
}

void sb_fusion_rotate(const sb_fusion *f, const float v[3], float out[3])
{
    float w = f->q[0], x = f->q[1], y = f->q[2], z = f->q[3];
    /* Rotation matrix of q, applied to v. */
    out[0] = (1.0f - 2.0f * (y * y + z * z)) * v[0] + 2.0f * (x * y - w * z) * v[1] +
             2.0f * (x * z + w * y) * v[2];
    out[1] = 2.0f * (x * y + w * z) * v[0] + (1.0f - 2.0f * (x * x + z * z)) * v[1] +
             2.0f * (y * z - w * x) * v[2];
    out[2] = 2.0f * (x * z - w * y) * v[0] + 2.0f * (y * z + w * x) * v[1] +
             (1.0f - 2.0f * (x * x + y * y)) * v[2];
}

void sb_bias_reset(sb_bias_estimator *e)
{
    memset(e, 0, sizeof *e);
}

void sb_bias_add(sb_bias_estimator *e, const float gyro[3])
{
    for (unsigned i = 0u; i < 3u; i++) {
        e->sum[i] += gyro[i];
    }
    e->count++;
}

bool sb_bias_mean(const sb_bias_estimator *e, float out[3])
{
    if (e->count == 0u) {
        return false;
    }
    for (unsigned i = 0u; i < 3u; i++) {
        out[i] = e->sum[i] / (float)e->count;
    }
    return true;
}
