#include "sampler.h"

#include <math.h>

#include "app_state.h"
#include "esp_log.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "lsm6dsox.h"
#include "mprls.h"
#include "spineball/sb_fusion.h"

#define IDLE_RATE SB_RATE_25HZ
#define GYRO_TARE_MS 1000u
/* At 200 Hz a tick (5 ms) is about one MPRLS conversion: a reading may be held
 * for a tick or two; longer means the sensor stopped converting. */
#define MAX_BUSY_TICKS 3u
#define IMU_RETRY_TICKS 200u

static const char *TAG = "sampler";

static esp_timer_handle_t s_timer;
static TaskHandle_t s_task;
static volatile int s_timer_rate = -1;
static volatile bool s_begin_run;
static volatile bool s_tare_requested;
static bool s_imu_present;

static void tick(void *arg)
{
    (void)arg;
    xTaskNotifyGive(s_task);
}

static void apply_rate(sb_rate rate)
{
    if (s_timer_rate == (int)rate) {
        return;
    }
    esp_err_t err = esp_timer_stop(s_timer);
    if (err != ESP_OK && err != ESP_ERR_INVALID_STATE) { /* INVALID_STATE: not running */
        ESP_LOGE(TAG, "esp_timer_stop: %s", esp_err_to_name(err));
    }
    err = esp_timer_start_periodic(s_timer, 1000000u / sb_rate_hz((unsigned)rate));
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_timer_start_periodic: %s", esp_err_to_name(err));
        return;
    }
    s_timer_rate = (int)rate;
}

void sampler_set_rate(sb_rate rate)
{
    /* Only the sampler task touches the timer: sample now, and the tick
     * re-arms the timer at the device's new rate. */
    (void)rate;
    if (s_task != NULL) {
        xTaskNotifyGive(s_task);
    }
}

void sampler_begin_run(void)
{
    s_begin_run = true;
}

void sampler_start_gyro_tare(void)
{
    s_tare_requested = true;
}

bool sampler_imu_present(void)
{
    return s_imu_present;
}

typedef struct {
    sb_fusion fusion;
    sb_bias_estimator tare;
    uint32_t tare_until_ms;
    bool tare_running;
    double held_pressure_pa;
    unsigned busy_ticks;
    unsigned imu_failures;
    int64_t last_us;
} sampler_state;

/* Pressure of this tick: the finished conversion, or the held one while the
 * next is still running; a fault or a stuck sensor is NaN + an error flag. */
static double read_pressure(sampler_state *s, uint16_t *faults)
{
    double pa;
    sb_mprls_state state = mprls_read(&pa);
    if (state == SB_MPRLS_BUSY) {
        if (++s->busy_ticks <= MAX_BUSY_TICKS) {
            return s->held_pressure_pa;
        }
        state = SB_MPRLS_FAULT;
    }
    s->busy_ticks = 0;
    if (state == SB_MPRLS_SATURATED) {
        *faults |= SB_ERROR_PRESSURE_SATURATED;
    }
    if (state == SB_MPRLS_FAULT) {
        *faults |= SB_ERROR_PRESSURE_SENSOR;
        pa = NAN;
    }
    s->held_pressure_pa = pa;
    if (mprls_start() != ESP_OK) {
        *faults |= SB_ERROR_PRESSURE_SENSOR;
    }
    return pa;
}

static void update_orientation(sampler_state *s, const sb_imu_reading *imu, uint32_t now_ms,
                               float dt)
{
    if (s_begin_run) {
        s_begin_run = false;
        sb_fusion_reset(&s->fusion, imu->accel_g); /* heading 0 at START */
    }
    if (s_tare_requested) {
        s_tare_requested = false;
        sb_bias_reset(&s->tare);
        s->tare_running = true;
        s->tare_until_ms = now_ms + GYRO_TARE_MS;
    }
    if (s->tare_running) {
        sb_bias_add(&s->tare, imu->gyro_rad_s);
        if (sb_time_reached(now_ms, s->tare_until_ms)) {
            float bias[3];
            if (sb_bias_mean(&s->tare, bias)) {
                sb_fusion_set_bias(&s->fusion, bias);
            }
            s->tare_running = false;
        }
    }
    sb_fusion_update(&s->fusion, imu->gyro_rad_s, imu->accel_g, dt);
}

static void sampler_task(void *arg)
{
    sampler_state *s = arg;
    for (;;) {
        ulTaskNotifyTake(pdTRUE, portMAX_DELAY);
        int64_t now_us = esp_timer_get_time();
        uint32_t now_ms = (uint32_t)(now_us / 1000);
        float nominal = 1.0f / (float)sb_rate_hz((unsigned)(s_timer_rate < 0 ? IDLE_RATE : s_timer_rate));
        float dt = s->last_us == 0 ? nominal : (float)(now_us - s->last_us) * 1e-6f;
        if (dt <= 0.0f || dt > 4.0f * nominal) {
            dt = nominal; /* after light sleep jitter or a rate change */
        }
        s->last_us = now_us;

        uint16_t faults = 0;
        sb_imu_reading imu;
        bool imu_ok = lsm6dsox_read(&imu) == ESP_OK;
        if (!imu_ok) {
            faults |= SB_ERROR_IMU;
            if (++s->imu_failures % IMU_RETRY_TICKS == 0u) {
                s_imu_present = lsm6dsox_init() == ESP_OK;
            }
        } else {
            s->imu_failures = 0;
            update_orientation(s, &imu, now_ms, dt);
        }
        double pressure = read_pressure(s, &faults);

        sb_sample_in in = {
            .pressure_pa = pressure,
            .temperature_c = imu_ok ? (double)imu.temperature_c : NAN,
            .q = {s->fusion.q[0], s->fusion.q[1], s->fusion.q[2], s->fusion.q[3]},
            .faults = faults,
        };
        sb_device *d = app_lock();
        if (imu_ok && sb_motion_detected(&imu)) {
            sb_device_motion(d, now_ms);
        }
        (void)sb_device_sample(d, now_ms, &in);
        sb_rate wanted = d->streaming ? (sb_rate)d->rate : IDLE_RATE;
        app_unlock();
        apply_rate(wanted);
    }
}

esp_err_t sampler_start(void)
{
    static sampler_state state;
    sb_fusion_init(&state.fusion);
    state.held_pressure_pa = NAN;

    s_imu_present = lsm6dsox_init() == ESP_OK;
    if (!s_imu_present) {
        ESP_LOGE(TAG, "IMU missing: orientation is held, Status reports IMU");
    }
    if (mprls_init() != ESP_OK) {
        ESP_LOGE(TAG, "pressure sensor missing: samples carry 'no valid reading'");
    }
    sb_imu_reading imu;
    if (s_imu_present && lsm6dsox_read(&imu) == ESP_OK) {
        sb_fusion_reset(&state.fusion, imu.accel_g);
    }
    if (xTaskCreate(sampler_task, "sampler", 4096, &state, 10, &s_task) != pdPASS) {
        return ESP_ERR_NO_MEM;
    }
    const esp_timer_create_args_t timer = {
        .callback = tick,
        .dispatch_method = ESP_TIMER_TASK,
        .name = "sample",
        .skip_unhandled_events = true, /* after light sleep, no burst of late ticks */
    };
    esp_err_t err = esp_timer_create(&timer, &s_timer);
    if (err != ESP_OK) {
        return err;
    }
    apply_rate(IDLE_RATE);
    return s_timer_rate >= 0 ? ESP_OK : ESP_FAIL;
}
