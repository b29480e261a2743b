/* Ring buffer and backfill (docs/protocol.md §6). */
#include "sb_test.h"

#include "spineball/sb_ring.h"

static sb_ring ring; /* 96 KiB: static, like on the ball */

static void fill(sb_ring *r, uint32_t n, sb_rate rate)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t index = r->next_index;
        sb_raw_sample s = {index & 0x3FFFFFu, (uint8_t)(index & 3u), {(int16_t)(index & 0x7FFF), 0, 0}};
        sb_ring_push(r, rate, (int16_t)(index & 0x7FF), &s);
    }
}

static void holds_the_newest_8192_samples(void **state)
{
    (void)state;
    assert_true(SB_RING_CAPACITY >= 6000); /* ≥ 60 s at 100 Hz */
    sb_ring_reset(&ring, 0);
    fill(&ring, 10000, SB_RATE_100HZ);
    assert_int_equal(ring.next_index, 10000);
    assert_int_equal(sb_ring_oldest(&ring), 10000 - 8192);
    sb_raw_sample s;
    sb_rate rate;
    int16_t t;
    assert_false(sb_ring_get(&ring, 10000 - 8193, &s, &rate, &t));
    assert_true(sb_ring_get(&ring, 10000 - 8192, &s, &rate, &t));
    assert_int_equal(s.pressure_raw, 10000 - 8192);
    assert_true(sb_ring_get(&ring, 9999, &s, &rate, &t));
    assert_int_equal(s.pressure_raw, 9999);
    assert_int_equal(s.q_omit, 9999 & 3);
    assert_int_equal(s.q_kept[0], 9999);
    assert_int_equal(rate, SB_RATE_100HZ);
    assert_int_equal(t, 9999 & 0x7FF);
    assert_false(sb_ring_get(&ring, 10000, &s, &rate, &t));
}

static void indices_wrap_at_2_pow_32(void **state)
{
    (void)state;
    sb_ring_reset(&ring, 0xFFFFFFF0u);
    fill(&ring, 32, SB_RATE_200HZ);
    assert_int_equal(ring.next_index, 16);
    assert_int_equal(sb_ring_oldest(&ring), 0xFFFFFFF0u);
    sb_raw_sample s;
    sb_rate rate;
    int16_t t;
    assert_true(sb_ring_get(&ring, 0xFFFFFFFFu, &s, &rate, &t));
    assert_true(sb_ring_get(&ring, 3, &s, &rate, &t));
    sb_backfill_plan p = sb_ring_plan_backfill(&ring, 0xFFFFFFFAu, 0);
    assert_int_equal(p.result, SB_RESULT_OK);
    assert_int_equal(p.first, 0xFFFFFFFAu);
    assert_int_equal(p.count, 22);
    p = sb_ring_plan_backfill(&ring, 0xFFFFFF00u, 0);
    assert_int_equal(p.result, SB_RESULT_PARTIAL);
    assert_int_equal(p.first, 0xFFFFFFF0u);
    assert_int_equal(p.count, 32);
}

static void plans_ok_partial_and_nothing(void **state)
{
    (void)state;
    sb_ring_reset(&ring, 0);
    fill(&ring, 10000, SB_RATE_100HZ);
    sb_backfill_plan p = sb_ring_plan_backfill(&ring, 9000, 0);
    assert_int_equal(p.result, SB_RESULT_OK);
    assert_int_equal(p.first, 9000);
    assert_int_equal(p.count, 1000);
    p = sb_ring_plan_backfill(&ring, 9000, 250);
    assert_int_equal(p.result, SB_RESULT_OK);
    assert_int_equal(p.count, 250);
    /* from ≥ next: OK, nothing to send */
    p = sb_ring_plan_backfill(&ring, 10000, 0);
    assert_int_equal(p.result, SB_RESULT_OK);
    assert_int_equal(p.count, 0);
    p = sb_ring_plan_backfill(&ring, 12345, 0);
    assert_int_equal(p.count, 0);
    /* some overwritten: PARTIAL from the oldest still held */
    p = sb_ring_plan_backfill(&ring, 1000, 0);
    assert_int_equal(p.result, SB_RESULT_PARTIAL);
    assert_int_equal(p.first, 10000 - 8192);
    assert_int_equal(p.count, 8192);
    /* PARTIAL keeps the requested end: [1000, 1000+1500) ∩ held = [1808, 2500) */
    p = sb_ring_plan_backfill(&ring, 1000, 1500);
    assert_int_equal(p.result, SB_RESULT_PARTIAL);
    assert_int_equal(p.first, 1808);
    assert_int_equal(p.count, 692);
    /* everything requested is gone */
    p = sb_ring_plan_backfill(&ring, 0, 100);
    assert_int_equal(p.result, SB_RESULT_PARTIAL);
    assert_int_equal(p.first, 1808);
    assert_int_equal(p.count, 0);
}

static void backfill_frames_cover_the_plan_and_end_once(void **state)
{
    (void)state;
    sb_ring_reset(&ring, 0);
    fill(&ring, 100, SB_RATE_100HZ);
    fill(&ring, 50, SB_RATE_200HZ); /* a rate change inside the span */
    sb_backfill_plan p = sb_ring_plan_backfill(&ring, 60, 0);
    sb_backfill bf;
    sb_backfill_start(&bf, &p);
    uint32_t expected = 60;
    unsigned ends = 0, frames = 0;
    uint8_t out[SB_MAX_FRAME_SIZE];
    size_t len;
    while ((len = sb_backfill_next_frame(&bf, &ring, 26, out, sizeof out)) > 0) {
        sb_frame_header h;
        sb_raw_sample s[SB_MAX_SAMPLES_PER_FRAME];
        assert_int_equal(sb_frame_decode(out, len, &h, s), SB_OK);
        assert_true(h.flags & SB_FRAME_FLAG_BACKFILL);
        assert_int_equal(h.first_index, expected);
        unsigned rate = (h.flags & SB_FRAME_RATE_MASK) >> SB_FRAME_RATE_SHIFT;
        assert_int_equal(rate, h.first_index < 100 ? SB_RATE_100HZ : SB_RATE_200HZ);
        assert_true(h.first_index >= 100 || h.first_index + h.count <= 100);
        for (unsigned i = 0; i < h.count; i++) {
            assert_int_equal(s[i].pressure_raw, expected + i);
        }
        expected += h.count;
        ends += (h.flags & SB_FRAME_FLAG_BACKFILL_END) != 0;
        frames++;
        assert_true(frames < 100);
    }
    assert_int_equal(expected, 150);
    assert_int_equal(ends, 1);
    assert_false(bf.active);
    assert_int_equal(sb_backfill_next_frame(&bf, &ring, 26, out, sizeof out), 0);
}

static void backfill_skips_what_was_overwritten_meanwhile(void **state)
{
    (void)state;
    sb_ring_reset(&ring, 0);
    fill(&ring, 8192, SB_RATE_100HZ);
    sb_backfill_plan p = sb_ring_plan_backfill(&ring, 0, 0);
    assert_int_equal(p.result, SB_RESULT_OK);
    sb_backfill bf;
    sb_backfill_start(&bf, &p);
    uint8_t out[SB_MAX_FRAME_SIZE];
    sb_frame_header h;
    sb_raw_sample s[SB_MAX_SAMPLES_PER_FRAME];
    size_t len = sb_backfill_next_frame(&bf, &ring, 10, out, sizeof out);
    assert_int_equal(sb_frame_decode(out, len, &h, s), SB_OK);
    assert_int_equal(h.first_index, 0);
    fill(&ring, 100, SB_RATE_100HZ); /* 100 live samples overwrite indices 0–99 */
    len = sb_backfill_next_frame(&bf, &ring, 10, out, sizeof out);
    assert_int_equal(sb_frame_decode(out, len, &h, s), SB_OK);
    assert_int_equal(h.first_index, 100);
    assert_int_equal(s[0].pressure_raw, 100);
    /* the rest still ends exactly at the planned end (8192) with BACKFILL_END */
    uint32_t last_end = 0;
    while ((len = sb_backfill_next_frame(&bf, &ring, 26, out, sizeof out)) > 0) {
        assert_int_equal(sb_frame_decode(out, len, &h, s), SB_OK);
        last_end = h.first_index + h.count;
        if (h.flags & SB_FRAME_FLAG_BACKFILL_END) {
            break;
        }
    }
    assert_int_equal(last_end, 8192);
    /* a plan wholly overwritten ends without frames */
    p = sb_ring_plan_backfill(&ring, 200, 10);
    sb_backfill_start(&bf, &p);
    fill(&ring, 8192, SB_RATE_100HZ);
    assert_int_equal(sb_backfill_next_frame(&bf, &ring, 26, out, sizeof out), 0);
    assert_false(bf.active);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(holds_the_newest_8192_samples),
        cmocka_unit_test(indices_wrap_at_2_pow_32),
        cmocka_unit_test(plans_ok_partial_and_nothing),
        cmocka_unit_test(backfill_frames_cover_the_plan_and_end_once),
        cmocka_unit_test(backfill_skips_what_was_overwritten_meanwhile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
