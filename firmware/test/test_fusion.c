/* 6-axis fusion: gravity-referenced, bias-tolerant, integrates rotation. */
#include "sb_test.h"

#include "spineball/sb_fusion.h"

#define PI 3.14159265358979

/* The accelerometer reading (specific force, "up") of a sensor whose
 * orientation is q_true (sensor → world): R(q)ᵀ · z. */
static void gravity_seen(const double q[4], float out[3])
{
    double w = q[0], x = q[1], y = q[2], z = q[3];
    out[0] = (float)(2.0 * (x * z - w * y));
    out[1] = (float)(2.0 * (y * z + w * x));
    out[2] = (float)(w * w - x * x - y * y + z * z);
}

static double up_error_deg(const sb_fusion *f, const float accel[3])
{
    float world[3];
    sb_fusion_rotate(f, accel, world);
    double n = sqrt(world[0] * world[0] + world[1] * world[1] + world[2] * world[2]);
    return acos(fmin(1.0, world[2] / n)) * 180.0 / PI;
}

static void reset_levels_from_gravity(void **state)
{
    (void)state;
    sb_fusion f;
    sb_fusion_init(&f);
    const double tilt = 50.0 * PI / 180.0; /* 50° about an axis in the x-y plane */
    const double q[4] = {cos(tilt / 2), sin(tilt / 2) * 0.6, sin(tilt / 2) * 0.8, 0.0};
    float a[3];
    gravity_seen(q, a);
    sb_fusion_reset(&f, a);
    assert_near(up_error_deg(&f, a), 0.0, 0.01);
    const float upside_down[3] = {0.0f, 0.0f, -1.0f};
    sb_fusion_reset(&f, upside_down);
    assert_near(up_error_deg(&f, upside_down), 0.0, 0.01);
}

static void converges_to_gravity_despite_gyro_bias(void **state)
{
    (void)state;
    sb_fusion f;
    sb_fusion_init(&f);
    const double tilt = 30.0 * PI / 180.0;
    const double q[4] = {cos(tilt / 2), sin(tilt / 2), 0.0, 0.0};
    float a[3];
    gravity_seen(q, a);
    /* a still ball read by a gyro with a 0.5 °/s bias on x and y */
    const float gyro[3] = {0.0087f, -0.0087f, 0.0f};
    for (int i = 0; i < 100 * 120; i++) { /* 2 minutes at 100 Hz */
        sb_fusion_update(&f, gyro, a, 0.01f);
    }
    assert_true(up_error_deg(&f, a) < 0.2);
    /* the integral term learned the bias: attitude stays, no drift of roll/pitch */
    for (int i = 0; i < 100 * 60; i++) {
        sb_fusion_update(&f, gyro, a, 0.01f);
    }
    assert_true(up_error_deg(&f, a) < 0.2);
    /* TARE's estimate removes it directly */
    sb_bias_estimator e;
    sb_bias_reset(&e);
    float mean[3];
    assert_false(sb_bias_mean(&e, mean));
    for (int i = 0; i < 100; i++) {
        sb_bias_add(&e, gyro);
    }
    assert_true(sb_bias_mean(&e, mean));
    assert_near(mean[0], 0.0087, 1e-6);
    sb_fusion_set_bias(&f, mean);
    assert_near(f.bias[1], -0.0087, 1e-6);
}

static void integrates_a_roll_of_the_ball(void **state)
{
    (void)state;
    sb_fusion f;
    sb_fusion_init(&f);
    const float level[3] = {0.0f, 0.0f, 1.0f};
    sb_fusion_reset(&f, level);
    /* 90° about z (heading) in 1 s: gravity cannot correct heading, so the
     * gyro alone must carry it. */
    const float spin[3] = {0.0f, 0.0f, (float)(PI / 2)};
    for (int i = 0; i < 100; i++) {
        sb_fusion_update(&f, spin, level, 0.01f);
    }
    const float x_axis[3] = {1.0f, 0.0f, 0.0f};
    float world[3];
    sb_fusion_rotate(&f, x_axis, world);
    assert_near(world[0], 0.0, 0.01);
    assert_near(world[1], 1.0, 0.01);
    /* A fast roll of 40° about x with gravity following it stays on gravity. */
    sb_fusion_reset(&f, level);
    const float roll_rate[3] = {(float)(40.0 * PI / 180.0), 0.0f, 0.0f};
    for (int i = 1; i <= 100; i++) {
        double angle = 40.0 * PI / 180.0 * i / 100.0;
        const double q[4] = {cos(angle / 2), sin(angle / 2), 0.0, 0.0};
        float a[3];
        gravity_seen(q, a);
        sb_fusion_update(&f, roll_rate, a, 0.01f);
    }
    double angle = 40.0 * PI / 180.0;
    assert_near(f.q[0], cos(angle / 2), 0.005);
    assert_near(f.q[1], sin(angle / 2), 0.005);
}

static void ignores_shocks_for_attitude(void **state)
{
    (void)state;
    sb_fusion f;
    sb_fusion_init(&f);
    const float level[3] = {0.0f, 0.0f, 1.0f};
    sb_fusion_reset(&f, level);
    const float still[3] = {0.0f, 0.0f, 0.0f};
    const float bump[3] = {1.5f, 0.0f, 1.0f}; /* someone knocks the ball: 1.8 g */
    for (int i = 0; i < 50; i++) {
        sb_fusion_update(&f, still, bump, 0.01f);
    }
    assert_near(up_error_deg(&f, level), 0.0, 0.01);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reset_levels_from_gravity),
        cmocka_unit_test(converges_to_gravity_despite_gyro_bias),
        cmocka_unit_test(integrates_a_roll_of_the_ball),
        cmocka_unit_test(ignores_shocks_for_attitude),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
