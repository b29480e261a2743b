/* MPRLS and LSM6DSOX data conversions (datasheet numbers). */
#include "sb_test.h"

#include "spineball/sb_sensors.h"

static sb_mprls_state mprls(uint8_t status, uint32_t counts, double *pa)
{
    const uint8_t reply[4] = {status, (uint8_t)(counts >> 16), (uint8_t)(counts >> 8),
                              (uint8_t)counts};
    return sb_mprls_decode(reply, pa);
}

static void mprls_transfer_function(void **state)
{
    (void)state;
    double pa;
    /* 10 % of 2^24 counts = 0 psi; 90 % = 25 psi = 172 368.9 Pa */
    assert_int_equal(mprls(0x40, 0x19999A, &pa), SB_MPRLS_OK);
    assert_near(pa, 0.0, 1e-9);
    assert_int_equal(mprls(0x40, 0xE66666, &pa), SB_MPRLS_OK);
    assert_near(pa, 25.0 * 6894.757293168, 1e-6);
    /* a ball at 114.3 kPa absolute */
    uint32_t counts = (uint32_t)(0x19999A + (114300.0 / 6894.757293168) / 25.0 * (0xE66666 - 0x19999A));
    assert_int_equal(mprls(0x40, counts, &pa), SB_MPRLS_OK);
    assert_near(pa, 114300.0, 0.02);
}

static void mprls_status_bits(void **state)
{
    (void)state;
    double pa = 0.0;
    assert_int_equal(mprls(0x60, 0x800000, &pa), SB_MPRLS_BUSY);
    assert_true(isnan(pa));
    assert_int_equal(mprls(0x00, 0x800000, &pa), SB_MPRLS_FAULT); /* not powered */
    assert_int_equal(mprls(0x44, 0x800000, &pa), SB_MPRLS_FAULT); /* memory integrity */
    assert_int_equal(mprls(0xFF, 0xFFFFFF, &pa), SB_MPRLS_FAULT); /* bus stuck high */
    assert_int_equal(mprls(0x41, 0xE66666, &pa), SB_MPRLS_SATURATED);
    assert_false(isnan(pa));
}

static void lsm6dsox_scales(void **state)
{
    (void)state;
    /* temperature +512 LSB (27 °C), gyro x 1000 LSB (17.5 °/s), accel z 8197 LSB (≈1 g) */
    const uint8_t burst[14] = {0x00, 0x02, 0xE8, 0x03, 0, 0, 0x18, 0xFC,
                               0, 0, 0, 0, 0x05, 0x20};
    sb_imu_reading r;
    sb_lsm6dsox_convert(burst, &r);
    assert_near(r.temperature_c, 27.0, 1e-6);
    assert_near(r.gyro_rad_s[0], 17.5 * 3.14159265358979 / 180.0, 1e-5);
    assert_near(r.gyro_rad_s[2], -1000 * 0.0175 * 3.14159265358979 / 180.0, 1e-5);
    assert_near(r.accel_g[2], 8197 * 0.000122, 1e-6);
    assert_true(sb_motion_detected(&r)); /* 17.5 °/s is motion */
    r.gyro_rad_s[0] = r.gyro_rad_s[2] = 0.0f;
    assert_false(sb_motion_detected(&r)); /* still, 1 g */
    r.accel_g[2] = 1.2f;
    assert_true(sb_motion_detected(&r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mprls_transfer_function),
        cmocka_unit_test(mprls_status_bits),
        cmocka_unit_test(lsm6dsox_scales),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
