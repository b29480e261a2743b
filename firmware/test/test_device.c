/* The ball's behaviour: commands and result codes, streaming, backfill,
 * Status, pairing, LED/motor and sleep — through a recording platform. */
#include "sb_test.h"

#include "spineball/sb_device.h"

typedef struct {
    unsigned frames, live_samples, backfill_frames;
    uint32_t next_live_index;
    bool indices_consecutive;
    bool store_ok, clear_ok;
    unsigned stores, clears, runs, tares;
    int rate;
    uint8_t last_blob[SB_CAL_BLOB_SIZE];
} recorder;

static void on_frame(void *ctx, const uint8_t *frame, size_t len)
{
    recorder *r = ctx;
    sb_frame_header h;
    sb_raw_sample s[SB_MAX_SAMPLES_PER_FRAME];
    assert_int_equal(sb_frame_decode(frame, len, &h, s), SB_OK);
    r->frames++;
    if (h.first_index != r->next_live_index) {
        r->indices_consecutive = false;
    }
    r->next_live_index = h.first_index + h.count;
    r->live_samples += h.count;
}

static bool on_store(void *ctx, const uint8_t blob[SB_CAL_BLOB_SIZE])
{
    recorder *r = ctx;
    r->stores++;
    memcpy(r->last_blob, blob, SB_CAL_BLOB_SIZE);
    return r->store_ok;
}

static bool on_clear(void *ctx)
{
    recorder *r = ctx;
    r->clears++;
    return r->clear_ok;
}

static void on_run(void *ctx)
{
    ((recorder *)ctx)->runs++;
}

static void on_rate(void *ctx, sb_rate rate)
{
    ((recorder *)ctx)->rate = (int)rate;
}

static void on_tare(void *ctx)
{
    ((recorder *)ctx)->tares++;
}

static sb_device dev; /* holds the 96 KiB ring: static */
static recorder rec;
static sb_platform platform;
static uint32_t now;

static void boot(bool has_bonds)
{
    memset(&rec, 0, sizeof rec);
    rec.store_ok = rec.clear_ok = true;
    rec.indices_consecutive = true;
    rec.rate = -1;
    platform.ctx = &rec;
    platform.emit_frame = on_frame;
    platform.store_calibration = on_store;
    platform.clear_bonds = on_clear;
    platform.begin_run = on_run;
    platform.rate_changed = on_rate;
    platform.tare_gyro = on_tare;
    now = 1000;
    sb_device_init(&dev, &platform, now, 0x1234, has_bonds, NULL, 0);
    sb_device_connected(&dev, now, 247);
}

/* Send a command; returns the response, checked to echo op and seq. */
static sb_response command(const uint8_t *bytes, size_t len)
{
    uint8_t out[SB_CONTROL_MAX_SIZE];
    size_t n = sb_device_command(&dev, now, bytes, len, out, sizeof out);
    sb_response r;
    assert_true(n >= 3);
    if (bytes[0] < SB_OP_START || bytes[0] > SB_OP_BUZZ) {
        /* an unknown op cannot be decoded by a client; read the 3 bytes */
        assert_int_equal(n, 3);
        memset(&r, 0, sizeof r);
        r.op = out[0] & 0x7F;
        r.seq = out[1];
        r.result = out[2];
        return r;
    }
    assert_int_equal(sb_response_decode(out, n, &r), SB_OK);
    assert_int_equal(r.op, bytes[0] & 0x7F);
    assert_int_equal(r.seq, bytes[1]);
    return r;
}

#define CMD(...)                                                                                   \
    command((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static void samples(unsigned n, double pressure_pa)
{
    for (unsigned i = 0; i < n; i++) {
        sb_sample_in in = {pressure_pa, 30.0, {1.0, 0.0, 0.0, 0.0}, 0};
        now += 10;
        sb_device_sample(&dev, now, &in);
    }
}

static void start_stream_and_stop(void **state)
{
    (void)state;
    boot(true);
    samples(10, 115000.0); /* not streaming: nothing recorded */
    assert_int_equal(rec.frames, 0);
    assert_int_equal(dev.ring.next_index, 0);
    sb_response r = CMD(0x01, 1, SB_RATE_100HZ);
    assert_int_equal(r.result, SB_RESULT_OK);
    assert_int_equal(rec.runs, 1);
    assert_int_equal(rec.rate, SB_RATE_100HZ);
    assert_int_equal(dev.run_id, 0x1235); /* a new run id at every START */
    samples(23, 115000.0);
    assert_int_equal(rec.frames, 4); /* 5 samples per frame at 100 Hz */
    r = CMD(0x02, 2);
    assert_int_equal(r.result, SB_RESULT_OK);
    assert_int_equal(r.p.stop.next_index, 23);
    assert_int_equal(rec.live_samples, 23); /* STOP flushed the last 3 */
    assert_true(rec.indices_consecutive);
    samples(5, 115000.0);
    assert_int_equal(dev.ring.next_index, 23);
    /* START again: indices restart at 0 */
    CMD(0x01, 3, SB_RATE_200HZ);
    samples(10, 115000.0);
    assert_int_equal(dev.ring.next_index, 10);
    assert_int_equal(rec.rate, SB_RATE_200HZ);
}

static void commands_that_need_a_stream(void **state)
{
    (void)state;
    boot(true);
    assert_int_equal(CMD(0x03, 1, 2).result, SB_RESULT_NOT_STREAMING);
    assert_int_equal(CMD(0x04, 2).result, SB_RESULT_NOT_STREAMING);
    assert_int_equal(CMD(0x05, 3, 0, 0, 0, 0, 0, 0).result, SB_RESULT_NOT_STREAMING);
    CMD(0x01, 4, SB_RATE_100HZ);
    assert_int_equal(CMD(0x03, 5, SB_RATE_50HZ).result, SB_RESULT_OK);
    assert_int_equal(rec.rate, SB_RATE_50HZ);
    samples(3, 115000.0);
    assert_int_equal(rec.frames, 1); /* 3 samples per frame at 50 Hz */
}

static void tare_reports_the_rest_pressure(void **state)
{
    (void)state;
    boot(true);
    CMD(0x01, 1, SB_RATE_100HZ);
    /* no valid pressure at all → SENSOR_FAULT */
    samples(60, NAN);
    assert_int_equal(CMD(0x04, 2).result, SB_RESULT_SENSOR_FAULT);
    assert_int_equal(rec.tares, 0);
    samples(100, 110000.0);
    samples(50, 116000.0); /* the last 0.5 s at 100 Hz */
    sb_response r = CMD(0x04, 3);
    assert_int_equal(r.result, SB_RESULT_OK);
    assert_int_equal(r.p.tare.rest_pressure_raw, 116000 * 16);
    assert_int_equal(rec.tares, 1);
}

static void backfill_ok_busy_partial(void **state)
{
    (void)state;
    boot(true);
    CMD(0x01, 1, SB_RATE_100HZ);
    samples(1000, 115000.0);
    sb_device_disconnected(&dev, now);
    samples(500, 115000.0); /* sampling goes on without a client */
    sb_device_connected(&dev, now, 247);
    sb_response r = CMD(0x05, 2, 0xE8, 0x03, 0, 0, 0, 0); /* from 1000 */
    assert_int_equal(r.result, SB_RESULT_OK);
    assert_int_equal(r.p.backfill.first, 1000);
    assert_int_equal(r.p.backfill.count, 500);
    uint8_t status[SB_STATUS_SIZE];
    sb_status s;
    sb_device_status(&dev, now, &s);
    assert_true(s.flags & SB_STATUS_BACKFILLING);
    assert_int_equal(CMD(0x05, 3, 0, 0, 0, 0, 0, 0).result, SB_RESULT_BUSY);
    uint8_t frame[SB_MAX_FRAME_SIZE];
    size_t len;
    uint32_t sent = 0;
    unsigned frames = 0;
    while ((len = sb_device_next_backfill_frame(&dev, frame, sizeof frame)) > 0) {
        sb_frame_header h;
        sb_raw_sample smp[SB_MAX_SAMPLES_PER_FRAME];
        assert_int_equal(sb_frame_decode(frame, len, &h, smp), SB_OK);
        assert_int_equal(h.first_index, 1000 + sent);
        sent += h.count;
        frames++;
        samples(1, 115000.0); /* live samples interleave */
    }
    assert_int_equal(sent, 500);
    assert_int_equal(frames, 20); /* 26 per frame at MTU 247 */
    sb_device_status(&dev, now, &s);
    assert_false(s.flags & SB_STATUS_BACKFILLING);
    (void)status;
    /* a long absence: the start has left the ring → PARTIAL */
    samples(9000, 115000.0);
    r = CMD(0x05, 4, 0xE8, 0x03, 0, 0, 0, 0);
    assert_int_equal(r.result, SB_RESULT_PARTIAL);
    assert_int_equal(r.p.backfill.first, dev.ring.next_index - SB_RING_CAPACITY);
    assert_int_equal(r.p.backfill.count, SB_RING_CAPACITY);
    /* a disconnect ends a running backfill */
    sb_device_disconnected(&dev, now);
    assert_int_equal(sb_device_next_backfill_frame(&dev, frame, sizeof frame), 0);
}

static void calibration_round_trip_and_storage_error(void **state)
{
    (void)state;
    boot(true);
    sb_response r = CMD(0x08, 1, 2);
    assert_int_equal(r.result, SB_RESULT_OK);
    assert_int_equal(r.p.cal_get.slot, 2);
    assert_true(isnan(r.p.cal_get.load_n) && isnan(r.p.cal_get.pressure_pa));
    /* CAL_SET slot 1 = (250 N, 116900 Pa) */
    assert_int_equal(CMD(0x09, 2, 1, 0x00, 0x00, 0x7a, 0x43, 0x00, 0x52, 0xe4, 0x47).result,
                     SB_RESULT_OK);
    assert_int_equal(rec.stores, 1);
    r = CMD(0x08, 3, 1);
    assert_near(r.p.cal_get.load_n, 250.0, 0.0);
    assert_near(r.p.cal_get.pressure_pa, 116900.0, 0.0);
    /* the stored blob restores the same table after a reboot */
    uint8_t blob[SB_CAL_BLOB_SIZE];
    memcpy(blob, rec.last_blob, sizeof blob);
    sb_device_init(&dev, &platform, now, 1, true, blob, sizeof blob);
    r = CMD(0x08, 4, 1);
    assert_near(r.p.cal_get.load_n, 250.0, 0.0);
    /* flash fails: STORAGE_ERROR, the old point stays, Status shows STORAGE */
    rec.store_ok = false;
    assert_int_equal(CMD(0x09, 5, 1, 0, 0, 0x48, 0x43, 0, 0x52, 0xe4, 0x47).result,
                     SB_RESULT_STORAGE_ERROR);
    r = CMD(0x08, 6, 1);
    assert_near(r.p.cal_get.load_n, 250.0, 0.0);
    sb_status s;
    sb_device_status(&dev, now, &s);
    assert_true(s.errors & SB_ERROR_STORAGE);
    rec.store_ok = true;
    assert_int_equal(CMD(0x09, 7, 0, 0, 0, 0xc0, 0x7f, 0, 0, 0xc0, 0x7f).result, SB_RESULT_OK);
    sb_device_status(&dev, now, &s);
    assert_false(s.errors & SB_ERROR_STORAGE);
}

static void bonds_and_pairing_window(void **state)
{
    (void)state;
    boot(false); /* no bonds: the window is open for 180 s */
    assert_true(sb_device_pairing_allowed(&dev, now));
    sb_status s;
    sb_device_status(&dev, now, &s);
    assert_int_equal(s.pairing_left_s, 180);
    assert_true(s.flags & SB_STATUS_PAIRING_OPEN);
    sb_device_bond_added(&dev);
    assert_false(sb_device_pairing_allowed(&dev, now));
    sb_device_status(&dev, now, &s);
    assert_true(s.flags & SB_STATUS_HAS_BONDS);
    /* a bonded client opens it for 30 s, then closes it */
    sb_response r = CMD(0x0A, 1, 30);
    assert_int_equal(r.p.pairing_window.remaining_s, 30);
    assert_true(sb_device_pairing_allowed(&dev, now + 29000));
    r = CMD(0x0A, 2, 0);
    assert_int_equal(r.p.pairing_window.remaining_s, 0);
    assert_false(sb_device_pairing_allowed(&dev, now));
    /* a 3 s button hold opens it for 120 s */
    sb_device_button(&dev, now, SB_BUTTON_HOLD);
    sb_device_status(&dev, now, &s);
    assert_int_equal(s.pairing_left_s, 120);
    /* CLEAR_BONDS: flash failure first, then success */
    rec.clear_ok = false;
    assert_int_equal(CMD(0x07, 3).result, SB_RESULT_STORAGE_ERROR);
    assert_true(dev.has_bonds);
    rec.clear_ok = true;
    assert_int_equal(CMD(0x07, 4).result, SB_RESULT_OK);
    assert_false(dev.has_bonds);
    assert_int_equal(rec.clears, 2);
}

static void malformed_writes(void **state)
{
    (void)state;
    boot(true);
    uint8_t out[SB_CONTROL_MAX_SIZE];
    const uint8_t one[] = {0x01};
    /* shorter than 2 bytes: refused at ATT level, no response */
    assert_int_equal(sb_device_command(&dev, now, one, 0, out, sizeof out), 0);
    assert_int_equal(sb_device_command(&dev, now, one, 1, out, sizeof out), 0);
    assert_int_equal(CMD(0x7F, 9).result, SB_RESULT_UNKNOWN_OPCODE);
    assert_int_equal(CMD(0x01, 9).result, SB_RESULT_BAD_LENGTH);
    assert_int_equal(CMD(0x01, 9, 4).result, SB_RESULT_BAD_VALUE);
    assert_int_equal(CMD(0x06, 9, 0).result, SB_RESULT_BAD_VALUE);
    assert_false(dev.streaming);
}

static void faults_become_invalid_readings_and_error_flags(void **state)
{
    (void)state;
    boot(true);
    CMD(0x01, 1, SB_RATE_100HZ);
    sb_sample_in in = {115000.0, 30.0, {1, 0, 0, 0}, SB_ERROR_PRESSURE_SENSOR};
    sb_device_sample(&dev, now, &in);
    sb_raw_sample s;
    sb_rate rate;
    int16_t t;
    assert_true(sb_ring_get(&dev.ring, 0, &s, &rate, &t));
    assert_int_equal(s.pressure_raw, SB_PRESSURE_INVALID);
    sb_status st;
    sb_device_status(&dev, now, &st);
    assert_true(st.errors & SB_ERROR_PRESSURE_SENSOR);
    /* over 50 kPa gauge and outside the sensor's 0–50 °C */
    sb_sample_in hot = {101325.0 + 50001.0, 55.0, {1, 0, 0, 0}, SB_ERROR_IMU};
    sb_device_sample(&dev, now, &hot);
    sb_device_status(&dev, now, &st);
    assert_int_equal(st.errors, SB_ERROR_OVER_PRESSURE | SB_ERROR_TEMPERATURE_RANGE | SB_ERROR_IMU);
    sb_sample_in fine = {115000.0, 30.0, {1, 0, 0, 0}, 0};
    sb_device_sample(&dev, now, &fine);
    sb_device_status(&dev, now, &st);
    assert_int_equal(st.errors, 0);
    assert_near(sb_device_latest_pressure_pa(&dev), 115000.0, 0.0);
    assert_near(sb_device_latest_temperature_c(&dev), 30.0, 0.0);
}

static void status_notifies_on_change_and_every_5_s(void **state)
{
    (void)state;
    boot(true);
    uint8_t out[SB_STATUS_SIZE];
    assert_true(sb_device_status_due(&dev, now, out)); /* first one */
    sb_status s;
    assert_int_equal(sb_status_decode(out, sizeof out, &s), SB_OK);
    assert_int_equal(s.run_id, 0x1234);
    assert_int_equal(s.fw_major, 1);
    assert_int_equal(s.fw_minor, 1);
    assert_int_equal(s.battery_pct, SB_BATTERY_UNKNOWN);
    assert_false(sb_device_status_due(&dev, now + 100, out));
    CMD(0x01, 1, SB_RATE_100HZ);
    assert_true(sb_device_status_due(&dev, now + 200, out)); /* STREAMING changed */
    samples(10, 115000.0); /* indices move: no notification by itself */
    assert_false(sb_device_status_due(&dev, now + 300, out));
    assert_true(sb_device_status_due(&dev, now + 5300, out));
    sb_device_battery(&dev, 3900, false);
    assert_true(sb_device_status_due(&dev, now + 5400, out));
    assert_int_equal(sb_status_decode(out, sizeof out, &s), SB_OK);
    assert_in_range(s.battery_pct, 60, 70);
    assert_int_equal(s.next_index, 10);
}

static void led_motor_and_sleep(void **state)
{
    (void)state;
    boot(true);
    /* IDENTIFY 2 s: fast blink, then back to the connected heartbeat */
    CMD(0x06, 1, 2);
    unsigned on = 0;
    for (uint32_t t = 0; t < 2000; t += 20) {
        on += sb_device_tick(&dev, now + t).led;
    }
    assert_in_range(on, 40, 60);
    on = 0;
    for (uint32_t t = 2000; t < 6000; t += 10) {
        on += sb_device_tick(&dev, now + t).led;
    }
    assert_in_range(on, 1, 5);
    /* BUZZ long ×2: motor on for 2 × 500 ms within 1.6 s, then off */
    CMD(0x0B, 2, 2, 2);
    unsigned motor_ms = 0;
    for (uint32_t t = 0; t < 3000; t += 10) {
        motor_ms += 10u * sb_device_tick(&dev, now + t).motor;
    }
    assert_int_equal(motor_ms, 1000);
    /* connected: never sleeps; unconnected and still for 10 min: sleeps */
    assert_false(sb_device_should_sleep(&dev, now + SB_IDLE_SLEEP_MS + 1));
    sb_device_disconnected(&dev, now);
    assert_false(sb_device_should_sleep(&dev, now + SB_IDLE_SLEEP_MS - 1));
    sb_device_motion(&dev, now + 60000);
    assert_false(sb_device_should_sleep(&dev, now + SB_IDLE_SLEEP_MS + 1));
    assert_true(sb_device_should_sleep(&dev, now + 60000 + SB_IDLE_SLEEP_MS));
    /* a critical battery sleeps at once (unless charging) */
    sb_device_motion(&dev, now);
    sb_device_battery(&dev, 3400, true);
    assert_false(sb_device_should_sleep(&dev, now));
    sb_device_battery(&dev, 3400, false);
    assert_true(sb_device_should_sleep(&dev, now));
    sb_status s;
    sb_device_status(&dev, now, &s);
    assert_true(s.errors & SB_ERROR_BATTERY_CRITICAL);
    assert_true(s.flags & SB_STATUS_LOW_BATTERY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(start_stream_and_stop),
        cmocka_unit_test(commands_that_need_a_stream),
        cmocka_unit_test(tare_reports_the_rest_pressure),
        cmocka_unit_test(backfill_ok_busy_partial),
        cmocka_unit_test(calibration_round_trip_and_storage_error),
        cmocka_unit_test(bonds_and_pairing_window),
        cmocka_unit_test(malformed_writes),
        cmocka_unit_test(faults_become_invalid_readings_and_error_flags),
        cmocka_unit_test(status_notifies_on_change_and_every_5_s),
        cmocka_unit_test(led_motor_and_sleep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
