#include "app_state.h"

#include "ble_server.h"
#include "esp_log.h"
#include "esp_random.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "sampler.h"
#include "storage.h"

static const char *TAG = "app";

static sb_device s_device; /* 96 KiB ring buffer inside: static, never on a stack */
static SemaphoreHandle_t s_mutex;
static StaticSemaphore_t s_mutex_storage;

static void emit_frame(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    ble_server_notify_samples(frame, len);
}

static bool store_calibration(void *ctx, const uint8_t blob[SB_CAL_BLOB_SIZE])
{
    (void)ctx;
    return storage_save_calibration(blob, SB_CAL_BLOB_SIZE) == ESP_OK;
}

static bool clear_bonds(void *ctx)
{
    (void)ctx;
    return ble_server_clear_bonds() == ESP_OK;
}

static void begin_run(void *ctx)
{
    (void)ctx;
    sampler_begin_run();
}

static void rate_changed(void *ctx, sb_rate rate)
{
    (void)ctx;
    sampler_set_rate(rate);
}

static void tare_gyro(void *ctx)
{
    (void)ctx;
    sampler_start_gyro_tare();
}

static const sb_platform s_platform = {
    .ctx = NULL,
    .emit_frame = emit_frame,
    .store_calibration = store_calibration,
    .clear_bonds = clear_bonds,
    .begin_run = begin_run,
    .rate_changed = rate_changed,
    .tare_gyro = tare_gyro,
};

uint32_t app_now_ms(void)
{
    return (uint32_t)(esp_timer_get_time() / 1000);
}

esp_err_t app_state_init(bool has_bonds, const uint8_t *cal_blob, size_t cal_len)
{
    s_mutex = xSemaphoreCreateRecursiveMutexStatic(&s_mutex_storage);
    if (s_mutex == NULL) {
        return ESP_ERR_NO_MEM;
    }
    /* A random run id: a client notices that the ball rebooted (§5). */
    uint16_t run_id = (uint16_t)(esp_random() & 0xFFFFu);
    sb_device_init(&s_device, &s_platform, app_now_ms(), run_id, has_bonds, cal_blob, cal_len);
    ESP_LOGI(TAG, "run %04x, %s, calibration %s", run_id, has_bonds ? "bonded" : "no bonds",
             cal_blob != NULL ? "restored" : "empty");
    return ESP_OK;
}

sb_device *app_lock(void)
{
    /* Recursive: a platform hook called with the lock held may lock again. */
    xSemaphoreTakeRecursive(s_mutex, portMAX_DELAY);
    return &s_device;
}

void app_unlock(void)
{
    xSemaphoreGiveRecursive(s_mutex);
}
