/*
 * Property tests with random input: command bytes into the parser and the
 * whole device, random and mutated frames/status/responses into the
 * decoders, random index sequences into the ring buffer and backfill. Run
 * under ASan/UBSan on the host, so any out-of-bounds access or undefined
 * behaviour fails the test, not only a wrong answer.
 */
#include "sb_test.h"

#include "spineball/sb_advert.h"
#include "spineball/sb_device.h"

#ifndef SB_FUZZ_ITERATIONS
#define SB_FUZZ_ITERATIONS 100000
#endif

static sb_device dev;
static sb_ring ring;

static void random_bytes(sb_rng *rng, uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)sb_rng_next(rng);
    }
}

static void parser_accepts_only_what_it_can_re_encode(void **state)
{
    (void)state;
    sb_rng rng = {0xC0FFEEu};
    unsigned accepted = 0;
    for (int i = 0; i < SB_FUZZ_ITERATIONS; i++) {
        uint8_t buf[24];
        size_t len = sb_rng_next(&rng) % sizeof buf;
        random_bytes(&rng, buf, len);
        if (len >= 1 && (sb_rng_next(&rng) & 1u)) {
            buf[0] = (uint8_t)(1 + sb_rng_next(&rng) % 11); /* mostly known ops */
        }
        sb_command c;
        sb_err err = sb_command_parse(buf, len, &c);
        sb_result result = sb_result_for_error(err);
        assert_true(result <= SB_RESULT_BAD_VALUE);
        if (err != SB_OK) {
            continue;
        }
        accepted++;
        uint8_t out[SB_CONTROL_MAX_SIZE];
        size_t out_len = 0;
        assert_int_equal(sb_command_encode(&c, out, sizeof out, &out_len), SB_OK);
        assert_int_equal(out_len, len);
        bool nan_point = c.op == SB_OP_CAL_SET && isnan(c.p.cal_set.load_n);
        if (!nan_point) {
            assert_memory_equal(out, buf, len);
        }
    }
    assert_true(accepted > 0);
}

static void device_answers_every_write_once(void **state)
{
    (void)state;
    sb_rng rng = {0xBA11u};
    sb_device_init(&dev, NULL, 0, 1, true, NULL, 0);
    sb_device_connected(&dev, 0, 247);
    uint32_t now = 0;
    for (int i = 0; i < SB_FUZZ_ITERATIONS; i++) {
        now += 7;
        sb_sample_in in = {100000.0 + (double)(sb_rng_next(&rng) % 50000), 20.0,
                           {sb_rng_unit(&rng) - 0.5, sb_rng_unit(&rng) - 0.5,
                            sb_rng_unit(&rng) - 0.5, sb_rng_unit(&rng) - 0.5},
                           (uint16_t)(sb_rng_next(&rng) & 0x7u)};
        sb_device_sample(&dev, now, &in);
        uint8_t buf[24];
        size_t len = sb_rng_next(&rng) % sizeof buf;
        random_bytes(&rng, buf, len);
        if (len >= 1) {
            buf[0] = (uint8_t)(sb_rng_next(&rng) % 13);
        }
        uint8_t out[SB_CONTROL_MAX_SIZE];
        size_t n = sb_device_command(&dev, now, buf, len, out, sizeof out);
        if (len < 2) {
            assert_int_equal(n, 0);
        } else {
            sb_response r;
            assert_true(n >= 3);
            assert_int_equal(out[0], 0x80 | (buf[0] & 0x7F));
            assert_int_equal(out[1], buf[1]);
            if (buf[0] >= SB_OP_START && buf[0] <= SB_OP_BUZZ) {
                assert_int_equal(sb_response_decode(out, n, &r), SB_OK);
            }
        }
        uint8_t frame[SB_MAX_FRAME_SIZE];
        (void)sb_device_next_backfill_frame(&dev, frame, sizeof frame);
        uint8_t status[SB_STATUS_SIZE];
        sb_status s;
        (void)sb_device_status_due(&dev, now, status);
        sb_device_status(&dev, now, &s);
        assert_int_equal(sb_status_encode(&s, status), SB_OK);
        (void)sb_device_tick(&dev, now);
        if ((sb_rng_next(&rng) & 0xFFu) == 0) {
            sb_device_set_mtu(&dev, (uint16_t)(23 + sb_rng_next(&rng) % 500));
        }
    }
}

static void decoders_survive_random_and_mutated_input(void **state)
{
    (void)state;
    sb_rng rng = {0xF00Du};
    /* a valid frame to mutate */
    sb_raw_sample samples[SB_MAX_SAMPLES_PER_FRAME];
    memset(samples, 0, sizeof samples);
    uint8_t valid[SB_MAX_FRAME_SIZE];
    size_t valid_len = 0;
    assert_int_equal(sb_frame_encode(7, 0x20, 2500, samples, 5, valid, sizeof valid, &valid_len),
                     SB_OK);
    for (int i = 0; i < SB_FUZZ_ITERATIONS; i++) {
        uint8_t buf[SB_MAX_FRAME_SIZE + 16];
        size_t len;
        if (sb_rng_next(&rng) & 1u) {
            len = sb_rng_next(&rng) % sizeof buf;
            random_bytes(&rng, buf, len);
        } else {
            memcpy(buf, valid, valid_len);
            len = valid_len;
            for (unsigned m = 0; m < 1 + sb_rng_next(&rng) % 3; m++) {
                buf[sb_rng_next(&rng) % len] = (uint8_t)sb_rng_next(&rng);
            }
            if ((sb_rng_next(&rng) % 10) == 0) {
                len = sb_rng_next(&rng) % len;
            }
        }
        sb_frame_header h;
        sb_raw_sample s[SB_MAX_SAMPLES_PER_FRAME];
        if (sb_frame_decode(buf, len, &h, s) == SB_OK) {
            uint8_t again[SB_MAX_FRAME_SIZE];
            size_t again_len = 0;
            assert_int_equal(sb_frame_encode(h.first_index, h.flags, h.temperature_raw, s,
                                             h.count, again, sizeof again, &again_len),
                             SB_OK);
            assert_int_equal(again_len, len);
            assert_memory_equal(again, buf, len);
        }
        sb_status st;
        if (sb_status_decode(buf, len % 24, &st) == SB_OK) {
            uint8_t again[SB_STATUS_SIZE];
            assert_int_equal(sb_status_encode(&st, again), SB_OK);
            assert_memory_equal(again, buf, SB_STATUS_SIZE);
        }
        sb_response r;
        size_t rlen = len % 16;
        if (sb_response_decode(buf, rlen, &r) == SB_OK) {
            uint8_t again[SB_CONTROL_MAX_SIZE];
            size_t again_len = 0;
            assert_int_equal(sb_response_encode(&r, again, sizeof again, &again_len), SB_OK);
            assert_int_equal(again_len, rlen);
            if (!(r.op == SB_OP_CAL_GET && isnan(r.p.cal_get.load_n))) {
                assert_memory_equal(again, buf, rlen);
            }
        }
        sb_adv_info info;
        (void)sb_adv_decode(buf, len % 40, &info);
        assert_true(strlen(info.name) <= SB_ADV_NAME_MAX);
    }
}

static void ring_plans_and_backfills_random_requests(void **state)
{
    (void)state;
    sb_rng rng = {0x8192u};
    sb_ring_reset(&ring, 0);
    int rounds = SB_FUZZ_ITERATIONS / 100;
    for (int i = 0; i < rounds; i++) {
        switch (sb_rng_next(&rng) % 8) {
        case 0:
            sb_ring_reset(&ring, sb_rng_next(&rng)); /* anywhere, wrap included */
            break;
        default: {
            uint32_t n = sb_rng_next(&rng) % 3000;
            for (uint32_t k = 0; k < n; k++) {
                uint32_t index = ring.next_index;
                sb_raw_sample s = {index & 0x3FFFFFu, 0, {0, 0, 0}};
                sb_ring_push(&ring, (sb_rate)(index / 1000 % 4), 0, &s);
            }
        }
        }
        uint32_t from;
        switch (sb_rng_next(&rng) % 3) {
        case 0:
            from = sb_rng_next(&rng);
            break;
        case 1:
            from = ring.next_index - sb_rng_next(&rng) % 12000;
            break;
        default:
            from = ring.next_index + sb_rng_next(&rng) % 100;
        }
        uint16_t max_count = (uint16_t)((sb_rng_next(&rng) & 1u) ? 0 : sb_rng_next(&rng));
        sb_backfill_plan p = sb_ring_plan_backfill(&ring, from, max_count);
        assert_true(p.result == SB_RESULT_OK || p.result == SB_RESULT_PARTIAL);
        assert_true(p.count <= ring.count);
        if (max_count != 0) {
            assert_true(p.count <= max_count);
        }
        if (p.count > 0) {
            /* every planned sample is held */
            assert_false(sb_index_before(p.first, sb_ring_oldest(&ring)));
            assert_true((uint32_t)(ring.next_index - p.first) >= p.count);
        }
        if (p.result == SB_RESULT_PARTIAL) {
            assert_int_equal(p.first, sb_ring_oldest(&ring));
        } else if (p.count > 0) {
            assert_int_equal(p.first, from);
        }
        sb_backfill bf;
        sb_backfill_start(&bf, &p);
        uint32_t expected = p.first, sent = 0;
        unsigned ends = 0;
        uint8_t frame[SB_MAX_FRAME_SIZE];
        size_t len;
        unsigned per_frame = 1 + sb_rng_next(&rng) % 26;
        while ((len = sb_backfill_next_frame(&bf, &ring, per_frame, frame, sizeof frame)) > 0) {
            sb_frame_header h;
            sb_raw_sample s[SB_MAX_SAMPLES_PER_FRAME];
            assert_int_equal(sb_frame_decode(frame, len, &h, s), SB_OK);
            assert_int_equal(h.first_index, expected);
            assert_true(h.count <= per_frame);
            for (unsigned k = 0; k < h.count; k++) {
                assert_int_equal(s[k].pressure_raw, (expected + k) & 0x3FFFFFu);
            }
            expected += h.count;
            sent += h.count;
            ends += (h.flags & SB_FRAME_FLAG_BACKFILL_END) != 0;
        }
        assert_int_equal(sent, p.count);
        assert_int_equal(ends, p.count > 0 ? 1 : 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parser_accepts_only_what_it_can_re_encode),
        cmocka_unit_test(device_answers_every_write_once),
        cmocka_unit_test(decoders_survive_random_and_mutated_input),
        cmocka_unit_test(ring_plans_and_backfills_random_requests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
