/* The C core against the shared golden vectors (docs/protocol-vectors.json). */
#include "sb_test.h"

#include "protocol_vectors.h"
#include "spineball/sb_advert.h"
#include "spineball/sb_command.h"
#include "spineball/sb_frame.h"
#include "spineball/sb_status.h"

static double field(const sb_vec_message *v, const char *key)
{
    for (size_t i = 0; i < v->n_fields; i++) {
        if (strcmp(v->fields[i].key, key) == 0) {
            return v->fields[i].value;
        }
    }
    fail_msg("vector %s has no field %s", v->name, key);
    return 0.0;
}

static uint8_t opcode_named(const char *name)
{
    static const struct {
        const char *name;
        uint8_t op;
    } ops[] = {{"START", SB_OP_START},
               {"STOP", SB_OP_STOP},
               {"SET_RATE", SB_OP_SET_RATE},
               {"TARE", SB_OP_TARE},
               {"BACKFILL", SB_OP_BACKFILL},
               {"IDENTIFY", SB_OP_IDENTIFY},
               {"CLEAR_BONDS", SB_OP_CLEAR_BONDS},
               {"CAL_GET", SB_OP_CAL_GET},
               {"CAL_SET", SB_OP_CAL_SET},
               {"PAIRING_WINDOW", SB_OP_PAIRING_WINDOW},
               {"BUZZ", SB_OP_BUZZ}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(ops[i].name, name) == 0) {
            return ops[i].op;
        }
    }
    fail_msg("unknown op name %s", name);
    return 0;
}

static void expect_error(const char *vector, sb_err got, const char *want)
{
    if (strcmp(sb_err_name(got), want) != 0) {
        fail_msg("%s: got error kind \"%s\", expected \"%s\"", vector, sb_err_name(got), want);
    }
}

static void frames_decode_to_their_meaning(void **state)
{
    (void)state;
    for (size_t f = 0; f < SB_VEC_COUNT(SB_VEC_FRAMES); f++) {
        const sb_vec_frame *v = &SB_VEC_FRAMES[f];
        sb_frame_header h;
        sb_raw_sample s[SB_MAX_SAMPLES_PER_FRAME];
        print_message("  frame %s\n", v->name);
        assert_int_equal(sb_frame_decode(v->bytes, v->len, &h, s), SB_OK);
        assert_int_equal(h.version, v->version);
        assert_int_equal(h.flags, v->flags);
        assert_int_equal((h.flags & SB_FRAME_RATE_MASK) >> SB_FRAME_RATE_SHIFT, v->rate_code);
        assert_int_equal((h.flags & SB_FRAME_FLAG_BACKFILL) != 0, v->backfill);
        assert_int_equal((h.flags & SB_FRAME_FLAG_BACKFILL_END) != 0, v->backfill_end);
        assert_int_equal(h.first_index, v->first_index);
        assert_int_equal(h.count, v->count);
        assert_int_equal(h.count, v->n_samples);
        assert_int_equal(h.temperature_raw, v->temperature_raw);
        assert_int_equal(h.temperature_raw == SB_TEMPERATURE_INVALID, isnan(v->temperature_c));
        for (size_t i = 0; i < v->n_samples; i++) {
            const sb_vec_sample *want = &v->samples[i];
            assert_int_equal(s[i].pressure_raw, want->pressure_raw);
            assert_int_equal(s[i].pressure_raw == SB_PRESSURE_INVALID, isnan(want->pressure_pa));
            if (!isnan(want->pressure_pa)) {
                assert_near(s[i].pressure_raw / SB_PRESSURE_RAW_PER_PA, want->pressure_pa, 0.0);
            }
            assert_int_equal(s[i].q_omit, want->q_omit);
            double q[4];
            assert_true(sb_quat_unpack(s[i].q_omit, s[i].q_kept, q));
            for (unsigned k = 0; k < 3; k++) {
                assert_int_equal(s[i].q_kept[k], want->q_kept[k]);
            }
            for (unsigned k = 0; k < 4; k++) {
                assert_near(q[k], want->q[k], 1e-9);
            }
        }
    }
}

static void frames_encode_to_the_same_bytes(void **state)
{
    (void)state;
    for (size_t f = 0; f < SB_VEC_COUNT(SB_VEC_FRAMES); f++) {
        const sb_vec_frame *v = &SB_VEC_FRAMES[f];
        sb_raw_sample raw[SB_MAX_SAMPLES_PER_FRAME];
        sb_raw_sample physical[SB_MAX_SAMPLES_PER_FRAME];
        for (size_t i = 0; i < v->n_samples; i++) {
            const sb_vec_sample *s = &v->samples[i];
            raw[i].pressure_raw = (uint32_t)s->pressure_raw;
            raw[i].q_omit = (uint8_t)s->q_omit;
            for (unsigned k = 0; k < 3; k++) {
                raw[i].q_kept[k] = (int16_t)s->q_kept[k];
            }
            /* From physical units, as the firmware does: Pa and q_in. */
            physical[i].pressure_raw = sb_pressure_to_raw(s->pressure_pa);
            assert_true(sb_quat_pack(s->q_in, &physical[i].q_omit, physical[i].q_kept));
        }
        uint8_t out[SB_MAX_FRAME_SIZE];
        size_t len = 0;
        assert_int_equal(sb_frame_encode((uint32_t)v->first_index, (uint8_t)v->flags,
                                         (int16_t)v->temperature_raw, raw, v->n_samples, out,
                                         sizeof out, &len),
                         SB_OK);
        assert_int_equal(len, v->len);
        assert_memory_equal(out, v->bytes, len);

        int16_t temperature = sb_temperature_to_raw(v->temperature_c);
        uint8_t flags = sb_frame_flags((sb_rate)v->rate_code, v->backfill != 0.0,
                                       v->backfill_end != 0.0);
        assert_int_equal(sb_frame_encode((uint32_t)v->first_index, flags, temperature, physical,
                                         v->n_samples, out, sizeof out, &len),
                         SB_OK);
        if (len != v->len || memcmp(out, v->bytes, len) != 0) {
            fail_msg("frame %s encoded from physical units differs", v->name);
        }
    }
}

static void malformed_frames_raise_their_kind(void **state)
{
    (void)state;
    for (size_t f = 0; f < SB_VEC_COUNT(SB_VEC_MALFORMED_FRAMES); f++) {
        const sb_vec_bad *v = &SB_VEC_MALFORMED_FRAMES[f];
        sb_frame_header h;
        sb_raw_sample s[SB_MAX_SAMPLES_PER_FRAME];
        expect_error(v->name, sb_frame_decode(v->bytes, v->len, &h, s), v->error);
    }
}

static void check_command_params(const sb_vec_message *v, const sb_command *c)
{
    switch ((sb_opcode)c->op) {
    case SB_OP_START:
    case SB_OP_SET_RATE:
        assert_int_equal(c->p.start.rate, field(v, "rate"));
        break;
    case SB_OP_BACKFILL:
        assert_int_equal(c->p.backfill.from_index, field(v, "from_index"));
        assert_int_equal(c->p.backfill.max_count, field(v, "max_count"));
        break;
    case SB_OP_IDENTIFY:
    case SB_OP_PAIRING_WINDOW:
        assert_int_equal(c->p.identify.seconds, field(v, "seconds"));
        break;
    case SB_OP_CAL_GET:
        assert_int_equal(c->p.cal_get.slot, field(v, "slot"));
        break;
    case SB_OP_CAL_SET:
        assert_int_equal(c->p.cal_set.slot, field(v, "slot"));
        assert_near(c->p.cal_set.load_n, field(v, "load_n"), 0.0);
        assert_near(c->p.cal_set.pressure_pa, field(v, "pressure_pa"), 0.0);
        break;
    case SB_OP_BUZZ:
        assert_int_equal(c->p.buzz.pattern, field(v, "pattern"));
        assert_int_equal(c->p.buzz.repetitions, field(v, "repetitions"));
        break;
    case SB_OP_STOP:
    case SB_OP_TARE:
    case SB_OP_CLEAR_BONDS:
        assert_int_equal(v->n_fields, 0);
        break;
    }
}

static void commands_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < SB_VEC_COUNT(SB_VEC_COMMANDS); i++) {
        const sb_vec_message *v = &SB_VEC_COMMANDS[i];
        sb_command c;
        print_message("  command %s\n", v->name);
        assert_int_equal(sb_command_parse(v->bytes, v->len, &c), SB_OK);
        assert_int_equal(c.op, opcode_named(v->op));
        assert_int_equal(c.seq, v->seq);
        check_command_params(v, &c);
        uint8_t out[SB_CONTROL_MAX_SIZE];
        size_t len = 0;
        assert_int_equal(sb_command_encode(&c, out, sizeof out, &len), SB_OK);
        assert_int_equal(len, v->len);
        assert_memory_equal(out, v->bytes, len);
    }
}

static void malformed_commands_get_their_result(void **state)
{
    (void)state;
    for (size_t i = 0; i < SB_VEC_COUNT(SB_VEC_MALFORMED_COMMANDS); i++) {
        const sb_vec_bad *v = &SB_VEC_MALFORMED_COMMANDS[i];
        sb_command c;
        sb_err err = sb_command_parse(v->bytes, v->len, &c);
        expect_error(v->name, err, v->error);
        assert_int_equal(sb_result_for_error(err), v->result);
    }
}

static void check_response_payload(const sb_vec_message *v, const sb_response *r)
{
    if (!v->has_fields) {
        return;
    }
    switch ((sb_opcode)r->op) {
    case SB_OP_STOP:
        assert_int_equal(r->p.stop.next_index, field(v, "next_index"));
        break;
    case SB_OP_TARE:
        assert_int_equal(r->p.tare.rest_pressure_raw, field(v, "rest_pressure_raw"));
        break;
    case SB_OP_BACKFILL:
        assert_int_equal(r->p.backfill.first, field(v, "first"));
        assert_int_equal(r->p.backfill.count, field(v, "count"));
        break;
    case SB_OP_CAL_GET:
        assert_int_equal(r->p.cal_get.slot, field(v, "slot"));
        assert_near(r->p.cal_get.load_n, field(v, "load_n"), 0.0);
        assert_near(r->p.cal_get.pressure_pa, field(v, "pressure_pa"), 0.0);
        break;
    case SB_OP_PAIRING_WINDOW:
        assert_int_equal(r->p.pairing_window.remaining_s, field(v, "remaining_s"));
        break;
    default:
        fail_msg("response %s has a payload its op does not define", v->name);
    }
}

static void responses_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < SB_VEC_COUNT(SB_VEC_RESPONSES); i++) {
        const sb_vec_message *v = &SB_VEC_RESPONSES[i];
        sb_response r;
        print_message("  response %s\n", v->name);
        assert_int_equal(sb_response_decode(v->bytes, v->len, &r), SB_OK);
        assert_int_equal(r.op, opcode_named(v->op));
        assert_int_equal(r.seq, v->seq);
        assert_int_equal(r.result, v->result);
        assert_int_equal(v->has_fields, v->len > 3);
        check_response_payload(v, &r);
        uint8_t out[SB_CONTROL_MAX_SIZE];
        size_t len = 0;
        assert_int_equal(sb_response_encode(&r, out, sizeof out, &len), SB_OK);
        assert_int_equal(len, v->len);
        assert_memory_equal(out, v->bytes, len);
    }
}

static void malformed_responses_raise_their_kind(void **state)
{
    (void)state;
    for (size_t i = 0; i < SB_VEC_COUNT(SB_VEC_MALFORMED_RESPONSES); i++) {
        const sb_vec_bad *v = &SB_VEC_MALFORMED_RESPONSES[i];
        sb_response r;
        expect_error(v->name, sb_response_decode(v->bytes, v->len, &r), v->error);
    }
}

static void statuses_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < SB_VEC_COUNT(SB_VEC_STATUSES); i++) {
        const sb_vec_message *v = &SB_VEC_STATUSES[i];
        sb_status s;
        print_message("  status %s\n", v->name);
        assert_int_equal(sb_status_decode(v->bytes, v->len, &s), SB_OK);
        assert_int_equal(s.version, field(v, "version"));
        assert_int_equal(s.flags, field(v, "flags"));
        assert_int_equal(s.battery_pct, field(v, "battery_pct"));
        assert_int_equal(s.rate, field(v, "rate"));
        assert_int_equal(s.errors, field(v, "errors"));
        assert_int_equal(s.oldest_index, field(v, "oldest_index"));
        assert_int_equal(s.next_index, field(v, "next_index"));
        assert_int_equal(s.run_id, field(v, "run_id"));
        assert_int_equal(s.fw_major, field(v, "fw_major"));
        assert_int_equal(s.fw_minor, field(v, "fw_minor"));
        assert_int_equal(s.fw_patch, field(v, "fw_patch"));
        assert_int_equal(s.pairing_left_s, field(v, "pairing_left_s"));
        assert_int_equal(v->n_fields, 12);
        uint8_t out[SB_STATUS_SIZE];
        assert_int_equal(sb_status_encode(&s, out), SB_OK);
        assert_int_equal(v->len, SB_STATUS_SIZE);
        assert_memory_equal(out, v->bytes, SB_STATUS_SIZE);
    }
}

static void malformed_statuses_raise_their_kind(void **state)
{
    (void)state;
    for (size_t i = 0; i < SB_VEC_COUNT(SB_VEC_MALFORMED_STATUSES); i++) {
        const sb_vec_bad *v = &SB_VEC_MALFORMED_STATUSES[i];
        sb_status s;
        expect_error(v->name, sb_status_decode(v->bytes, v->len, &s), v->error);
    }
}

static void advertising_matches(void **state)
{
    (void)state;
    for (size_t i = 0; i < SB_VEC_COUNT(SB_VEC_ADVERTISING); i++) {
        const sb_vec_adv *v = &SB_VEC_ADVERTISING[i];
        uint8_t out[SB_ADV_MAX_SIZE];
        size_t len = 0;
        assert_int_equal(sb_adv_encode(v->local_name, out, &len), SB_OK);
        assert_int_equal(len, v->size);
        assert_int_equal(len, v->len);
        assert_memory_equal(out, v->bytes, len);
        sb_adv_info info;
        assert_int_equal(sb_adv_decode(v->bytes, v->len, &info), SB_OK);
        assert_int_equal(info.flags, v->flags);
        assert_true(info.has_service);
        assert_string_equal(info.name, v->local_name);
        assert_string_equal(v->service_uuid, "5b1d0001-ba11-4c0d-8e5a-5b1dba110000");
    }
}

static void every_section_has_vectors(void **state)
{
    (void)state;
    assert_true(SB_VEC_COUNT(SB_VEC_FRAMES) >= 8);
    assert_true(SB_VEC_COUNT(SB_VEC_MALFORMED_FRAMES) >= 15);
    assert_true(SB_VEC_COUNT(SB_VEC_COMMANDS) >= 11);
    assert_true(SB_VEC_COUNT(SB_VEC_MALFORMED_COMMANDS) >= 12);
    assert_true(SB_VEC_COUNT(SB_VEC_RESPONSES) >= 11);
    assert_true(SB_VEC_COUNT(SB_VEC_MALFORMED_RESPONSES) >= 5);
    assert_true(SB_VEC_COUNT(SB_VEC_STATUSES) >= 4);
    assert_true(SB_VEC_COUNT(SB_VEC_MALFORMED_STATUSES) >= 7);
    assert_true(SB_VEC_COUNT(SB_VEC_ADVERTISING) >= 1);
    /* Every opcode has a command vector. */
    for (uint8_t op = SB_OP_START; op <= SB_OP_BUZZ; op++) {
        bool found = false;
        for (size_t i = 0; i < SB_VEC_COUNT(SB_VEC_COMMANDS); i++) {
            found = found || opcode_named(SB_VEC_COMMANDS[i].op) == op;
        }
        if (!found) {
            fail_msg("no command vector for op 0x%02x", op);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frames_decode_to_their_meaning),
        cmocka_unit_test(frames_encode_to_the_same_bytes),
        cmocka_unit_test(malformed_frames_raise_their_kind),
        cmocka_unit_test(commands_round_trip),
        cmocka_unit_test(malformed_commands_get_their_result),
        cmocka_unit_test(responses_round_trip),
        cmocka_unit_test(malformed_responses_raise_their_kind),
        cmocka_unit_test(statuses_round_trip),
        cmocka_unit_test(malformed_statuses_raise_their_kind),
        cmocka_unit_test(advertising_matches),
        cmocka_unit_test(every_section_has_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
