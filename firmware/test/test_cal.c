/* Calibration slots and their flash format. */
#include "sb_test.h"

#include "spineball/sb_cal.h"

static void crc_is_zlib_crc32(void **state)
{
    (void)state;
    const uint8_t text[] = "123456789";
    assert_int_equal(sb_crc32(text, 9), 0xCBF43926u); /* the CRC-32 check value */
}

static void blob_round_trip(void **state)
{
    (void)state;
    sb_cal_table t, back;
    sb_cal_clear(&t);
    assert_int_equal(sb_cal_set(&t, 0, 0.0f, 101900.0f), SB_OK);
    assert_int_equal(sb_cal_set(&t, 2, 640.5f, 121000.25f), SB_OK);
    assert_int_equal(sb_cal_set(&t, 3, 1.0f, 1.0f), SB_ERR_RANGE);
    assert_int_equal(sb_cal_set(&t, 1, NAN, 1.0f), SB_ERR_RANGE);
    uint8_t blob[SB_CAL_BLOB_SIZE];
    sb_cal_serialize(&t, blob);
    assert_int_equal(sb_cal_deserialize(&back, blob, sizeof blob), SB_OK);
    sb_cal_point p;
    assert_int_equal(sb_cal_get(&back, 2, &p), SB_OK);
    assert_near(p.load_n, 640.5, 0.0);
    assert_near(p.pressure_pa, 121000.25, 0.0);
    assert_int_equal(sb_cal_get(&back, 1, &p), SB_OK);
    assert_true(isnan(p.load_n) && isnan(p.pressure_pa));
    assert_int_equal(sb_cal_get(&back, 3, &p), SB_ERR_RANGE);
}

static void corrupt_blobs_leave_empty_slots(void **state)
{
    (void)state;
    sb_cal_table t, back;
    sb_cal_clear(&t);
    sb_cal_set(&t, 0, 100.0f, 110000.0f);
    uint8_t blob[SB_CAL_BLOB_SIZE];
    sb_cal_serialize(&t, blob);
    uint8_t bad[SB_CAL_BLOB_SIZE];
    sb_cal_point p;
    for (size_t i = 0; i < sizeof blob; i++) { /* any flipped bit is noticed */
        memcpy(bad, blob, sizeof blob);
        bad[i] ^= 0x10;
        assert_int_not_equal(sb_cal_deserialize(&back, bad, sizeof bad), SB_OK);
        sb_cal_get(&back, 0, &p);
        assert_true(isnan(p.load_n));
    }
    assert_int_equal(sb_cal_deserialize(&back, blob, sizeof blob - 1), SB_ERR_TRUNCATED);
    assert_int_equal(sb_cal_deserialize(&back, blob, 0), SB_ERR_TRUNCATED);
    /* a well-formed blob with an implausible point (CRC recomputed) is refused */
    memcpy(bad, blob, sizeof blob);
    const float negative = -5.0f;
    memcpy(bad + 6, &negative, sizeof negative);
    uint32_t crc = sb_crc32(bad, SB_CAL_BLOB_SIZE - 4);
    for (int k = 0; k < 4; k++) {
        bad[SB_CAL_BLOB_SIZE - 4 + k] = (uint8_t)(crc >> (8 * k));
    }
    assert_int_equal(sb_cal_deserialize(&back, bad, sizeof bad), SB_ERR_RANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc_is_zlib_crc32),
        cmocka_unit_test(blob_round_trip),
        cmocka_unit_test(corrupt_blobs_leave_empty_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
