#include "spineball/sb_device.h"

#include <math.h>
#include <string.h>

#include "spineball/sb_frame.h"

static void emit(void *ctx, const uint8_t *frame, size_t len)
{
    sb_device *d = ctx;
    if (d->platform != NULL && d->platform->emit_frame != NULL) {
        d->platform->emit_frame(d->platform->ctx, frame, len);
    }
}

size_t sb_device_sizeof(void)
{
    return sizeof(sb_device);
}

void sb_device_init(sb_device *d, const sb_platform *platform, uint32_t now_ms, uint16_t run_id,
                    bool has_bonds, const uint8_t *cal_blob, size_t cal_len)
{
    memset(d, 0, sizeof *d);
    d->platform = platform;
    d->rate = SB_RATE_100HZ;
    d->mtu = SB_ATT_MTU_MIN;
    d->run_id = run_id;
    d->has_bonds = has_bonds;
    d->last_activity_ms = now_ms;
    d->last_pressure_raw = SB_PRESSURE_INVALID;
    d->last_temperature_raw = SB_TEMPERATURE_INVALID;
    sb_ring_reset(&d->ring, 0u);
    sb_batcher_init(&d->batcher, (sb_rate)d->rate, d->mtu, emit, d);
    sb_pairing_power_on(&d->pairing, now_ms, has_bonds);
    sb_battery_init(&d->battery);
    if (cal_blob == NULL || sb_cal_deserialize(&d->cal, cal_blob, cal_len) != SB_OK) {
        sb_cal_clear(&d->cal);
    }
}

static uint16_t derived_faults(double pressure_pa, double temperature_c)
{
    uint16_t faults = 0u;
    if (!isnan(pressure_pa) && pressure_pa > SB_AMBIENT_PA + SB_OVER_PRESSURE_GAUGE_PA) {
        faults |= SB_ERROR_OVER_PRESSURE;
    }
    if (!isnan(temperature_c) &&
        (temperature_c < SB_TEMPERATURE_MIN_C || temperature_c > SB_TEMPERATURE_MAX_C)) {
        faults |= SB_ERROR_TEMPERATURE_RANGE;
    }
    return faults;
}

bool sb_device_sample(sb_device *d, uint32_t now_ms, const sb_sample_in *in)
{
    (void)now_ms;
    double pressure = in->pressure_pa;
    if ((in->faults & SB_ERROR_PRESSURE_SENSOR) != 0u) {
        pressure = NAN; /* a faulty sensor's number is never sent as a reading */
    }
    d->sample_faults =
        (uint16_t)((in->faults & (SB_ERROR_PRESSURE_SENSOR | SB_ERROR_IMU |
                                  SB_ERROR_PRESSURE_SATURATED)) |
                   derived_faults(pressure, in->temperature_c));
    sb_raw_sample raw;
    raw.pressure_raw = sb_pressure_to_raw(pressure);
    int16_t temperature = sb_temperature_to_raw(in->temperature_c);
    (void)sb_quat_pack(in->q, &raw.q_omit, raw.q_kept);
    if (raw.pressure_raw != SB_PRESSURE_INVALID) {
        d->last_pressure_raw = raw.pressure_raw;
    }
    if (temperature != SB_TEMPERATURE_INVALID) {
        d->last_temperature_raw = temperature;
    }
    if (!d->streaming) {
        return false;
    }
    uint32_t index = sb_ring_push(&d->ring, (sb_rate)d->rate, temperature, &raw);
    sb_batcher_push(&d->batcher, index, (sb_rate)d->rate, temperature, &raw);
    return true;
}

/* Mean raw pressure of the valid samples of the last 0.5 s; false if none. */
static bool rest_pressure(const sb_device *d, uint32_t *out)
{
    uint32_t window = sb_rate_hz(d->rate) * SB_TARE_WINDOW_MS / 1000u;
    uint64_t sum = 0u;
    uint32_t valid = 0u;
    for (uint32_t i = 1u; i <= window && i <= d->ring.count; i++) {
        sb_raw_sample s;
        sb_rate rate;
        int16_t temperature;
        if (sb_ring_get(&d->ring, d->ring.next_index - i, &s, &rate, &temperature) &&
            s.pressure_raw != SB_PRESSURE_INVALID) {
            sum += s.pressure_raw;
            valid++;
        }
    }
    if (valid == 0u) {
        return false;
    }
    *out = (uint32_t)((sum + valid / 2u) / valid);
    return true;
}

static sb_result storage_result(sb_device *d, bool ok)
{
    if (ok) {
        d->sticky_errors &= (uint16_t)~SB_ERROR_STORAGE;
        return SB_RESULT_OK;
    }
    d->sticky_errors |= SB_ERROR_STORAGE;
    return SB_RESULT_STORAGE_ERROR;
}

static void set_rate(sb_device *d, uint8_t rate)
{
    d->rate = rate;
    if (d->platform != NULL && d->platform->rate_changed != NULL) {
        d->platform->rate_changed(d->platform->ctx, (sb_rate)rate);
    }
}

static sb_result run_command(sb_device *d, uint32_t now_ms, const sb_command *cmd,
                             sb_response *resp)
{
    const sb_platform *pf = d->platform;
    switch ((sb_opcode)cmd->op) {
    case SB_OP_START:
        sb_ring_reset(&d->ring, 0u);
        sb_batcher_reset(&d->batcher, (sb_rate)cmd->p.start.rate);
        sb_backfill_cancel(&d->backfill);
        d->run_id++;
        d->streaming = true;
        if (pf != NULL && pf->begin_run != NULL) {
            pf->begin_run(pf->ctx);
        }
        set_rate(d, cmd->p.start.rate);
        return SB_RESULT_OK;
    case SB_OP_STOP:
        if (d->streaming) {
            sb_batcher_flush(&d->batcher);
            d->streaming = false;
        }
        resp->p.stop.next_index = d->ring.next_index;
        return SB_RESULT_OK;
    case SB_OP_SET_RATE:
        if (!d->streaming) {
            return SB_RESULT_NOT_STREAMING;
        }
        set_rate(d, cmd->p.set_rate.rate);
        return SB_RESULT_OK;
    case SB_OP_TARE:
        if (!d->streaming) {
            return SB_RESULT_NOT_STREAMING;
        }
        if (!rest_pressure(d, &resp->p.tare.rest_pressure_raw)) {
            return SB_RESULT_SENSOR_FAULT;
        }
        if (pf != NULL && pf->tare_gyro != NULL) {
            pf->tare_gyro(pf->ctx);
        }
        return SB_RESULT_OK;
    case SB_OP_BACKFILL: {
        if (!d->streaming) {
            return SB_RESULT_NOT_STREAMING;
        }
        if (d->backfill.active) {
            return SB_RESULT_BUSY;
        }
        sb_backfill_plan plan =
            sb_ring_plan_backfill(&d->ring, cmd->p.backfill.from_index, cmd->p.backfill.max_count);
        sb_backfill_start(&d->backfill, &plan);
        resp->p.backfill.first = plan.first;
        resp->p.backfill.count = plan.count;
        return (sb_result)plan.result;
    }
    case SB_OP_IDENTIFY:
        d->identify_until_ms = now_ms + 1000u * cmd->p.identify.seconds;
        return SB_RESULT_OK;
    case SB_OP_CLEAR_BONDS: {
        bool ok = pf == NULL || pf->clear_bonds == NULL || pf->clear_bonds(pf->ctx);
        if (ok) {
            d->has_bonds = false;
        }
        return storage_result(d, ok);
    }
    case SB_OP_CAL_GET: {
        sb_cal_point point;
        (void)sb_cal_get(&d->cal, cmd->p.cal_get.slot, &point);
        resp->p.cal_get.slot = cmd->p.cal_get.slot;
        resp->p.cal_get.load_n = point.load_n;
        resp->p.cal_get.pressure_pa = point.pressure_pa;
        return SB_RESULT_OK;
    }
    case SB_OP_CAL_SET: {
        sb_cal_table updated = d->cal;
        if (sb_cal_set(&updated, cmd->p.cal_set.slot, cmd->p.cal_set.load_n,
                       cmd->p.cal_set.pressure_pa) != SB_OK) {
            return SB_RESULT_BAD_VALUE;
        }
        uint8_t blob[SB_CAL_BLOB_SIZE];
        sb_cal_serialize(&updated, blob);
        bool ok = pf == NULL || pf->store_calibration == NULL ||
                  pf->store_calibration(pf->ctx, blob);
        if (ok) {
            d->cal = updated; /* only what reached flash is reported back */
        }
        return storage_result(d, ok);
    }
    case SB_OP_PAIRING_WINDOW:
        resp->p.pairing_window.remaining_s =
            sb_pairing_open_for(&d->pairing, now_ms, cmd->p.pairing_window.seconds);
        return SB_RESULT_OK;
    case SB_OP_BUZZ:
        (void)sb_buzz_start(&d->buzz, now_ms, cmd->p.buzz.pattern, cmd->p.buzz.repetitions);
        return SB_RESULT_OK;
    }
    return SB_RESULT_UNKNOWN_OPCODE;
}

size_t sb_device_command(sb_device *d, uint32_t now_ms, const uint8_t *data, size_t len,
                         uint8_t *out, size_t cap)
{
    if (len < 2u) {
        return 0u;
    }
    d->last_activity_ms = now_ms;
    sb_command cmd;
    sb_response resp;
    memset(&resp, 0, sizeof resp);
    sb_err err = sb_command_parse(data, len, &cmd);
    resp.op = cmd.op;
    resp.seq = cmd.seq;
    resp.result = (uint8_t)(err == SB_OK ? run_command(d, now_ms, &cmd, &resp)
                                         : sb_result_for_error(err));
    size_t out_len = 0u;
    if (sb_response_encode(&resp, out, cap, &out_len) != SB_OK) {
        return 0u;
    }
    return out_len;
}

size_t sb_device_next_backfill_frame(sb_device *d, uint8_t *out, size_t cap)
{
    return sb_backfill_next_frame(&d->backfill, &d->ring, sb_max_samples_for_mtu(d->mtu), out,
                                  cap);
}

void sb_device_set_mtu(sb_device *d, uint16_t mtu)
{
    d->mtu = mtu < SB_ATT_MTU_MIN ? SB_ATT_MTU_MIN : mtu;
    sb_batcher_set_mtu(&d->batcher, d->mtu);
}

void sb_device_connected(sb_device *d, uint32_t now_ms, uint16_t mtu)
{
    d->connected = true;
    d->last_activity_ms = now_ms;
    d->status_sent = false; /* a new subscriber gets a fresh Status */
    sb_device_set_mtu(d, mtu);
}

void sb_device_disconnected(sb_device *d, uint32_t now_ms)
{
    d->connected = false;
    d->last_activity_ms = now_ms;
    sb_backfill_cancel(&d->backfill); /* the client asks again after reconnecting */
    sb_device_set_mtu(d, SB_ATT_MTU_MIN);
}

bool sb_device_pairing_allowed(sb_device *d, uint32_t now_ms)
{
    return sb_pairing_is_open(&d->pairing, now_ms);
}

void sb_device_bond_added(sb_device *d)
{
    d->has_bonds = true;
    sb_pairing_completed(&d->pairing);
}

void sb_device_set_has_bonds(sb_device *d, bool has_bonds)
{
    d->has_bonds = has_bonds;
}

void sb_device_button(sb_device *d, uint32_t now_ms, sb_button_event event)
{
    if (event == SB_BUTTON_NONE) {
        return;
    }
    d->last_activity_ms = now_ms;
    if (event == SB_BUTTON_HOLD) {
        sb_pairing_button_hold(&d->pairing, now_ms);
    } else {
        d->identify_until_ms = now_ms + 1000u * SB_SHORT_PRESS_IDENTIFY_S;
    }
}

void sb_device_motion(sb_device *d, uint32_t now_ms)
{
    d->last_activity_ms = now_ms;
}

void sb_device_battery(sb_device *d, uint16_t cell_mv, bool charging)
{
    (void)sb_battery_update(&d->battery, cell_mv);
    d->charging = charging;
}

uint8_t sb_device_battery_level(const sb_device *d)
{
    return sb_battery_level(&d->battery);
}

void sb_device_storage_fault(sb_device *d)
{
    d->sticky_errors |= SB_ERROR_STORAGE;
}

void sb_device_status(sb_device *d, uint32_t now_ms, sb_status *s)
{
    memset(s, 0, sizeof *s);
    s->version = SB_PROTOCOL_VERSION;
    s->pairing_left_s = sb_pairing_remaining_s(&d->pairing, now_ms);
    s->flags = (uint8_t)((d->streaming ? SB_STATUS_STREAMING : 0u) |
                         (d->backfill.active ? SB_STATUS_BACKFILLING : 0u) |
                         (s->pairing_left_s > 0u ? SB_STATUS_PAIRING_OPEN : 0u) |
                         (d->has_bonds ? SB_STATUS_HAS_BONDS : 0u) |
                         (d->charging ? SB_STATUS_CHARGING : 0u) |
                         (sb_battery_low(&d->battery) ? SB_STATUS_LOW_BATTERY : 0u));
    s->battery_pct = sb_battery_level(&d->battery);
    s->rate = d->rate;
    s->errors = (uint16_t)(d->sample_faults | d->sticky_errors |
                           (sb_battery_critical(&d->battery) ? SB_ERROR_BATTERY_CRITICAL : 0u));
    s->oldest_index = sb_ring_oldest(&d->ring);
    s->next_index = d->ring.next_index;
    s->run_id = d->run_id;
    s->fw_major = SB_FIRMWARE_MAJOR;
    s->fw_minor = SB_FIRMWARE_MINOR;
    s->fw_patch = SB_FIRMWARE_PATCH;
}

bool sb_device_status_due(sb_device *d, uint32_t now_ms, uint8_t out[SB_STATUS_SIZE])
{
    sb_status s;
    sb_device_status(d, now_ms, &s);
    bool changed = !d->status_sent || s.flags != d->sent_flags || s.errors != d->sent_errors ||
                   s.rate != d->sent_rate || s.battery_pct != d->sent_battery;
    bool stale = (uint32_t)(now_ms - d->status_sent_ms) >= SB_STATUS_REFRESH_MS;
    if (!changed && !stale) {
        return false;
    }
    if (sb_status_encode(&s, out) != SB_OK) {
        return false;
    }
    d->status_sent = true;
    d->sent_flags = s.flags;
    d->sent_errors = s.errors;
    d->sent_rate = s.rate;
    d->sent_battery = s.battery_pct;
    d->status_sent_ms = now_ms;
    return true;
}

sb_outputs sb_device_tick(sb_device *d, uint32_t now_ms)
{
    sb_outputs out;
    sb_led_state led;
    led.identify = d->identify_until_ms != 0u && !sb_time_reached(now_ms, d->identify_until_ms);
    if (!led.identify) {
        d->identify_until_ms = 0u;
    }
    led.pairing_open = sb_pairing_is_open(&d->pairing, now_ms);
    led.low_battery = sb_battery_low(&d->battery);
    led.connected = d->connected;
    out.led = sb_led_output(&led, now_ms);
    out.motor = sb_buzz_output(&d->buzz, now_ms);
    return out;
}

bool sb_device_should_sleep(const sb_device *d, uint32_t now_ms)
{
    if (sb_battery_critical(&d->battery) && !d->charging) {
        return true;
    }
    return !d->connected && (uint32_t)(now_ms - d->last_activity_ms) >= SB_IDLE_SLEEP_MS;
}

double sb_device_latest_pressure_pa(const sb_device *d)
{
    return d->last_pressure_raw == SB_PRESSURE_INVALID
               ? NAN
               : (double)d->last_pressure_raw / SB_PRESSURE_RAW_PER_PA;
}

double sb_device_latest_temperature_c(const sb_device *d)
{
    return d->last_temperature_raw == SB_TEMPERATURE_INVALID
               ? NAN
               : (double)d->last_temperature_raw / SB_TEMPERATURE_RAW_PER_C;
}
