/* Command parser and response encoder beyond the golden vectors. */
#include "sb_test.h"

#include "spineball/sb_command.h"

static sb_err parse(const uint8_t *bytes, size_t len, sb_command *c)
{
    return sb_command_parse(bytes, len, c);
}

static void every_op_checks_its_parameter_length(void **state)
{
    (void)state;
    /* §4.1 parameter bytes per op */
    static const size_t params[] = {0, 1, 0, 1, 0, 6, 1, 0, 1, 9, 1, 2};
    uint8_t buf[SB_CONTROL_MAX_SIZE + 2];
    memset(buf, 0, sizeof buf);
    for (uint8_t op = SB_OP_START; op <= SB_OP_BUZZ; op++) {
        buf[0] = op;
        buf[1] = 42;
        sb_command c;
        for (size_t n = 0; n <= 12; n++) {
            sb_err err = parse(buf, 2 + n, &c);
            assert_int_equal(c.op, op);
            assert_int_equal(c.seq, 42);
            if (n != params[op]) {
                assert_int_equal(err, SB_ERR_LENGTH);
                assert_int_equal(sb_result_for_error(err), SB_RESULT_BAD_LENGTH);
            }
        }
    }
}

static void bounds_of_every_parameter(void **state)
{
    (void)state;
    sb_command c;
    const uint8_t start3[] = {1, 0, 3}, start4[] = {1, 0, 4};
    const uint8_t set_rate_9[] = {3, 0, 9};
    const uint8_t identify60[] = {6, 0, 60}, identify61[] = {6, 0, 61};
    const uint8_t cal_get2[] = {8, 0, 2};
    const uint8_t buzz_ok[] = {11, 0, 3, 10}, buzz_11[] = {11, 0, 0, 11};
    const uint8_t pairing255[] = {10, 0, 255};
    assert_int_equal(parse(start3, 3, &c), SB_OK);
    assert_int_equal(parse(start4, 3, &c), SB_ERR_RANGE);
    assert_int_equal(parse(set_rate_9, 3, &c), SB_ERR_RANGE);
    assert_int_equal(parse(identify60, 3, &c), SB_OK);
    assert_int_equal(parse(identify61, 3, &c), SB_ERR_RANGE);
    assert_int_equal(parse(cal_get2, 3, &c), SB_OK);
    assert_int_equal(parse(buzz_ok, 4, &c), SB_OK);
    assert_int_equal(parse(buzz_11, 4, &c), SB_ERR_RANGE);
    assert_int_equal(parse(pairing255, 3, &c), SB_OK);
    assert_int_equal(c.p.pairing_window.seconds, 255);
}

static sb_err cal_set(float load, float pressure)
{
    sb_command c;
    memset(&c, 0, sizeof c);
    c.op = SB_OP_CAL_SET;
    c.p.cal_set.slot = 0;
    c.p.cal_set.load_n = load;
    c.p.cal_set.pressure_pa = pressure;
    uint8_t out[SB_CONTROL_MAX_SIZE];
    size_t len = 0;
    sb_err err = sb_command_encode(&c, out, sizeof out, &len);
    if (err == SB_OK) {
        /* what encodes also parses */
        sb_command back;
        assert_int_equal(sb_command_parse(out, len, &back), SB_OK);
    }
    return err;
}

static void calibration_points_must_be_plausible(void **state)
{
    (void)state;
    assert_int_equal(cal_set(NAN, NAN), SB_OK); /* empties the slot */
    assert_int_equal(cal_set(0.0f, 101325.0f), SB_OK);
    assert_int_equal(cal_set(5000.0f, 262143.0f), SB_OK);
    assert_int_equal(cal_set(NAN, 101325.0f), SB_ERR_RANGE);
    assert_int_equal(cal_set(-1.0f, 101325.0f), SB_ERR_RANGE);
    assert_int_equal(cal_set(5001.0f, 101325.0f), SB_ERR_RANGE);
    assert_int_equal(cal_set(100.0f, 0.0f), SB_ERR_RANGE);
    assert_int_equal(cal_set(100.0f, 262144.0f), SB_ERR_RANGE);
    assert_int_equal(cal_set(INFINITY, 1000.0f), SB_ERR_RANGE);
}

static void responses_carry_payload_only_when_ok_or_partial(void **state)
{
    (void)state;
    sb_response r;
    memset(&r, 0, sizeof r);
    r.op = SB_OP_BACKFILL;
    r.seq = 5;
    r.p.backfill.first = 1;
    r.p.backfill.count = 2;
    uint8_t out[SB_CONTROL_MAX_SIZE];
    size_t len = 0;
    r.result = SB_RESULT_PARTIAL;
    assert_int_equal(sb_response_encode(&r, out, sizeof out, &len), SB_OK);
    assert_int_equal(len, 11);
    r.result = SB_RESULT_BUSY;
    assert_int_equal(sb_response_encode(&r, out, sizeof out, &len), SB_OK);
    assert_int_equal(len, 3);
    r.result = 9;
    assert_int_equal(sb_response_encode(&r, out, sizeof out, &len), SB_ERR_RANGE);
    r.result = SB_RESULT_OK;
    assert_int_equal(sb_response_encode(&r, out, 10, &len), SB_ERR_CAPACITY);
    /* an unknown op (answered UNKNOWN_OPCODE) keeps its 7 bits */
    r.op = 0x7F;
    r.result = SB_RESULT_UNKNOWN_OPCODE;
    assert_int_equal(sb_response_encode(&r, out, sizeof out, &len), SB_OK);
    assert_int_equal(out[0], 0xFF);
    assert_int_equal(len, 3);
    /* every response fits the 20 bytes of MTU 23 */
    for (uint8_t op = SB_OP_START; op <= SB_OP_BUZZ; op++) {
        r.op = op;
        r.result = SB_RESULT_OK;
        assert_int_equal(sb_response_encode(&r, out, sizeof out, &len), SB_OK);
        assert_true(len <= SB_CONTROL_MAX_SIZE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_op_checks_its_parameter_length),
        cmocka_unit_test(bounds_of_every_parameter),
        cmocka_unit_test(calibration_points_must_be_plausible),
        cmocka_unit_test(responses_carry_payload_only_when_ok_or_partial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
