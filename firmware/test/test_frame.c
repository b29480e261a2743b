/* Frame rules beyond the golden vectors: sizes, batching counts, packing. */
#include "sb_test.h"

#include "spineball/sb_frame.h"

static void samples_per_frame_follow_the_protocol_table(void **state)
{
    (void)state;
    /* docs/protocol.md §3.1: MTU 23 → 1, 185 → 19, 247 → 26 samples. */
    assert_int_equal(sb_max_samples_for_mtu(22), 0);
    assert_int_equal(sb_max_samples_for_mtu(23), 1);
    assert_int_equal(sb_max_samples_for_mtu(185), 19);
    assert_int_equal(sb_max_samples_for_mtu(247), 26);
    assert_int_equal(sb_max_samples_for_mtu(517), 26);
    assert_int_equal(sb_frame_size(26) + SB_ATT_NOTIFY_OVERHEAD, 246); /* 243 of 244 bytes */
    /* §3.1: at MTU 247, 200 Hz → 10, 100 Hz → 5, 50 Hz → 3, 25 Hz → 2 samples per frame
     * (the samples of one 50 ms window: 9.9, 10.8, 12.0, 13.5 bytes per sample). */
    assert_int_equal(sb_samples_per_frame(SB_RATE_200HZ, 247), 10);
    assert_int_equal(sb_samples_per_frame(SB_RATE_100HZ, 247), 5);
    assert_int_equal(sb_samples_per_frame(SB_RATE_50HZ, 247), 3);
    assert_int_equal(sb_samples_per_frame(SB_RATE_25HZ, 247), 2);
    assert_int_equal(sb_samples_per_frame(SB_RATE_200HZ, 23), 1);
    assert_int_equal(sb_samples_per_frame(SB_RATE_200HZ, 100), 9);
    /* ≤ 50 ms from the oldest sample of a frame to the newest */
    for (unsigned rate = 0; rate <= SB_RATE_MAX; rate++) {
        unsigned n = sb_samples_per_frame((sb_rate)rate, 247);
        assert_true((n - 1) * 1000 / sb_rate_hz(rate) < SB_BATCH_DELAY_MS);
    }
}

static void flags_carry_rate_and_backfill(void **state)
{
    (void)state;
    assert_int_equal(sb_frame_flags(SB_RATE_100HZ, false, false), 0x20);
    assert_int_equal(sb_frame_flags(SB_RATE_50HZ, true, false), 0x11);
    assert_int_equal(sb_frame_flags(SB_RATE_50HZ, true, true), 0x13);
    assert_int_equal(sb_frame_flags(SB_RATE_25HZ, false, true), 0x00); /* END needs BACKFILL */
}

static void random_quaternions_survive_packing(void **state)
{
    (void)state;
    sb_rng rng = {0x5b1dba11u};
    for (int i = 0; i < 20000; i++) {
        double q[4], n = 0.0;
        for (int k = 0; k < 4; k++) {
            q[k] = sb_rng_unit(&rng) * 2.0 - 1.0;
            n += q[k] * q[k];
        }
        if (n < 1e-3) {
            continue;
        }
        uint8_t omit;
        int16_t kept[3];
        assert_true(sb_quat_pack(q, &omit, kept));
        double back[4];
        assert_true(sb_quat_unpack(omit, kept, back));
        /* q and −q are the same rotation: compare |<q, back>| with 1. */
        double dot = 0.0;
        for (int k = 0; k < 4; k++) {
            dot += back[k] * q[k] / sqrt(n);
        }
        assert_near(fabs(dot), 1.0, 1e-8);
        assert_true(back[omit] >= 0.0);
    }
}

static void packing_rejects_what_is_not_a_rotation(void **state)
{
    (void)state;
    const double zero[4] = {0, 0, 0, 0};
    const double nan_q[4] = {NAN, 0, 0, 1};
    uint8_t omit;
    int16_t kept[3];
    assert_false(sb_quat_pack(zero, &omit, kept));
    assert_false(sb_quat_pack(nan_q, &omit, kept));
    /* An omitted component outside 0–3, a kept value of −32768, too large a triple. */
    int16_t ok[3] = {0, 0, 0}, min[3] = {-32768, 0, 0}, big[3] = {30000, 30000, 0};
    double q[4];
    assert_false(sb_quat_unpack(4, ok, q));
    assert_false(sb_quat_unpack(0, min, q));
    assert_false(sb_quat_unpack(0, big, q));
    assert_true(sb_quat_unpack(0, ok, q));
    assert_near(q[0], 1.0, 0.0);
}

static void pressure_and_temperature_quantise(void **state)
{
    (void)state;
    assert_int_equal(sb_pressure_to_raw(114300.0), 1828800);
    assert_int_equal(sb_pressure_to_raw(0.03125), 1);  /* half a step rounds away from 0 */
    assert_int_equal(sb_pressure_to_raw(NAN), SB_PRESSURE_INVALID);
    assert_int_equal(sb_pressure_to_raw(-5.0), 0);
    assert_int_equal(sb_pressure_to_raw(1e9), SB_PRESSURE_MAX_RAW); /* never the fault marker */
    assert_int_equal(sb_temperature_to_raw(25.31), 2531);
    assert_int_equal(sb_temperature_to_raw(-5.125), -513);
    assert_int_equal(sb_temperature_to_raw(NAN), SB_TEMPERATURE_INVALID);
    assert_int_equal(sb_temperature_to_raw(400.0), SB_TEMPERATURE_INVALID);
}

static void encoder_refuses_bad_frames(void **state)
{
    (void)state;
    sb_raw_sample s[SB_MAX_SAMPLES_PER_FRAME + 1];
    memset(s, 0, sizeof s);
    uint8_t out[SB_MAX_FRAME_SIZE];
    size_t len = 0;
    assert_int_equal(sb_frame_encode(0, 0x20, 0, s, 0, out, sizeof out, &len), SB_ERR_COUNT);
    assert_int_equal(sb_frame_encode(0, 0x20, 0, s, 27, out, sizeof out, &len), SB_ERR_COUNT);
    assert_int_equal(sb_frame_encode(0, 0x24, 0, s, 1, out, sizeof out, &len), SB_ERR_FLAGS);
    assert_int_equal(sb_frame_encode(0, 0x22, 0, s, 1, out, sizeof out, &len), SB_ERR_FLAGS);
    assert_int_equal(sb_frame_encode(0, 0x20, 0, s, 2, out, 26, &len), SB_ERR_CAPACITY);
    s[0].q_omit = 4;
    assert_int_equal(sb_frame_encode(0, 0x20, 0, s, 1, out, sizeof out, &len), SB_ERR_RANGE);
    s[0].q_omit = 0;
    s[0].pressure_raw = 0x400000;
    assert_int_equal(sb_frame_encode(0, 0x20, 0, s, 1, out, sizeof out, &len), SB_ERR_RANGE);
    s[0].pressure_raw = SB_PRESSURE_INVALID;
    assert_int_equal(sb_frame_encode(0, 0x20, 0, s, 26, out, sizeof out, &len), SB_OK);
    assert_int_equal(len, SB_MAX_FRAME_SIZE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(samples_per_frame_follow_the_protocol_table),
        cmocka_unit_test(flags_carry_rate_and_backfill),
        cmocka_unit_test(random_quaternions_survive_packing),
        cmocka_unit_test(packing_rejects_what_is_not_a_rotation),
        cmocka_unit_test(pressure_and_temperature_quantise),
        cmocka_unit_test(encoder_refuses_bad_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
