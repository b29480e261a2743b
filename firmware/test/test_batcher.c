/* Live batching: 50 ms windows, MTU limits, flushes on rate change and gaps. */
#include "sb_test.h"

#include "spineball/sb_batcher.h"

typedef struct {
    unsigned frames;
    sb_frame_header headers[64];
    sb_raw_sample first_samples[64];
} capture;

static void sink(void *ctx, const uint8_t *frame, size_t len)
{
    capture *c = ctx;
    sb_raw_sample s[SB_MAX_SAMPLES_PER_FRAME];
    assert_true(c->frames < 64);
    assert_int_equal(sb_frame_decode(frame, len, &c->headers[c->frames], s), SB_OK);
    c->first_samples[c->frames] = s[0];
    c->frames++;
}

static sb_raw_sample sample(uint32_t pressure)
{
    sb_raw_sample s = {pressure, 0, {0, 0, 0}};
    return s;
}

static void frames_hold_one_50ms_window(void **state)
{
    (void)state;
    capture c = {0};
    sb_batcher b;
    sb_batcher_init(&b, SB_RATE_100HZ, 247, sink, &c);
    for (uint32_t i = 0; i < 20; i++) {
        sb_raw_sample s = sample(1000 + i);
        sb_batcher_push(&b, i, SB_RATE_100HZ, (int16_t)(2500 + i), &s);
    }
    assert_int_equal(c.frames, 4);
    for (unsigned f = 0; f < 4; f++) {
        assert_int_equal(c.headers[f].count, 5);
        assert_int_equal(c.headers[f].first_index, 5 * f);
        assert_int_equal(c.headers[f].flags, 0x20);
        /* one temperature per frame: the first sample's */
        assert_int_equal(c.headers[f].temperature_raw, 2500 + 5 * f);
        assert_int_equal(c.first_samples[f].pressure_raw, 1000 + 5 * f);
    }
}

static void default_mtu_sends_every_sample_alone(void **state)
{
    (void)state;
    capture c = {0};
    sb_batcher b;
    sb_batcher_init(&b, SB_RATE_200HZ, 23, sink, &c);
    sb_raw_sample s = sample(1);
    for (uint32_t i = 0; i < 7; i++) {
        sb_batcher_push(&b, i, SB_RATE_200HZ, 0, &s);
    }
    assert_int_equal(c.frames, 7);
    assert_int_equal(c.headers[6].count, 1);
    assert_int_equal(c.headers[6].first_index, 6);
}

static void rate_change_and_gap_start_new_frames(void **state)
{
    (void)state;
    capture c = {0};
    sb_batcher b;
    sb_raw_sample s = sample(7);
    sb_batcher_init(&b, SB_RATE_100HZ, 247, sink, &c);
    sb_batcher_push(&b, 0, SB_RATE_100HZ, 0, &s);
    sb_batcher_push(&b, 1, SB_RATE_100HZ, 0, &s);
    sb_batcher_push(&b, 2, SB_RATE_200HZ, 0, &s); /* SET_RATE took effect */
    assert_int_equal(c.frames, 1);
    assert_int_equal(c.headers[0].count, 2);
    assert_int_equal(c.headers[0].flags, 0x20);
    sb_batcher_push(&b, 9, SB_RATE_200HZ, 0, &s); /* not consecutive */
    assert_int_equal(c.frames, 2);
    assert_int_equal(c.headers[1].first_index, 2);
    assert_int_equal(c.headers[1].flags, 0x30);
    sb_batcher_flush(&b);
    assert_int_equal(c.frames, 3);
    assert_int_equal(c.headers[2].first_index, 9);
    sb_batcher_flush(&b); /* nothing pending: nothing sent */
    assert_int_equal(c.frames, 3);
}

static void smaller_mtu_flushes_what_no_longer_fits(void **state)
{
    (void)state;
    capture c = {0};
    sb_batcher b;
    sb_raw_sample s = sample(7);
    sb_batcher_init(&b, SB_RATE_200HZ, 247, sink, &c);
    for (uint32_t i = 0; i < 4; i++) {
        sb_batcher_push(&b, i, SB_RATE_200HZ, 0, &s);
    }
    assert_int_equal(c.frames, 0);
    sb_batcher_set_mtu(&b, 23);
    assert_int_equal(c.frames, 1);
    assert_int_equal(c.headers[0].count, 4);
    sb_batcher_reset(&b, SB_RATE_25HZ);
    sb_batcher_set_mtu(&b, 247);
    sb_batcher_push(&b, 0, SB_RATE_25HZ, 0, &s);
    assert_int_equal(c.frames, 1);
    sb_batcher_push(&b, 1, SB_RATE_25HZ, 0, &s);
    assert_int_equal(c.frames, 2); /* 25 Hz: two samples (40 ms apart) per frame */
    assert_int_equal(c.headers[1].count, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frames_hold_one_50ms_window),
        cmocka_unit_test(default_mtu_sends_every_sample_alone),
        cmocka_unit_test(rate_change_and_gap_start_new_frames),
        cmocka_unit_test(smaller_mtu_flushes_what_no_longer_fits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
