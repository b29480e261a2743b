/*
 * 6-axis orientation (Mahony complementary filter) for the Samples
 * quaternion of docs/protocol.md §3.3: it rotates vectors from the sensor's
 * axes to a gravity-referenced frame (z up, heading fixed at START). The
 * accelerometer pulls the attitude towards gravity, so roll and pitch never
 * drift; a small integral term learns the gyro bias; heading drifts slowly
 * (no magnetometer), which the client tolerates because it only needs the
 * ball's rolling axis.
 */
#ifndef SPINEBALL_SB_FUSION_H
#define SPINEBALL_SB_FUSION_H

#include "spineball/sb_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Gains: 2·Kp = 1.0 settles the attitude within ~2 s at rest; 2·Ki = 0.02
 * learns a constant gyro bias in about a minute (Mahony 2008 defaults scale). */
#define SB_FUSION_TWO_KP 1.0f
#define SB_FUSION_TWO_KI 0.02f
/* Accelerometer readings further than this from 1 g are motion, not gravity:
 * they do not correct the attitude. */
#define SB_FUSION_ACCEL_GATE_G 0.3f

typedef struct {
    float q[4];        /* w, x, y, z: sensor → world */
    float bias[3];     /* gyro bias, rad/s, subtracted from every reading */
    float integral[3]; /* integral feedback, rad/s */
    float two_kp;
    float two_ki;
} sb_fusion;

void sb_fusion_init(sb_fusion *f);

/* Level the estimate from one accelerometer reading (any unit), heading 0:
 * used at START so every run begins gravity-referenced. */
void sb_fusion_reset(sb_fusion *f, const float accel[3]);

/* One step: gyro in rad/s, accel in g, dt in seconds. */
void sb_fusion_update(sb_fusion *f, const float gyro[3], const float accel_g[3], float dt);

/* Replace the gyro bias (TARE measures it with the ball still). */
void sb_fusion_set_bias(sb_fusion *f, const float bias[3]);

/* Rotate a sensor-frame vector into the world frame with the current estimate. */
void sb_fusion_rotate(const sb_fusion *f, const float v[3], float out[3]);

/* Averages gyro readings while the ball is still (TARE). */
typedef struct {
    float sum[3];
    uint32_t count;
} sb_bias_estimator;

void sb_bias_reset(sb_bias_estimator *e);
void sb_bias_add(sb_bias_estimator *e, const float gyro[3]);
/* The mean; false when nothing was added. */
bool sb_bias_mean(const sb_bias_estimator *e, float out[3]);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_FUSION_H */
