#include "supervisor.h"

#include "app_state.h"
#include "battery_adc.h"
#include "ble_server.h"
#include "board_pins.h"
#include "driver/gpio.h"
#include "esp_log.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "power.h"
#include "sampler.h"

#define TICK_MS 20u
#define BATTERY_PERIOD_MS 10000u
#define ENVIRONMENT_PERIOD_MS 1000u /* §1.2: Environmental Sensing notifies at ≤ 1 Hz */

static const char *TAG = "supervisor";

esp_err_t supervisor_init_pins(void)
{
    const gpio_config_t outputs = {
        .pin_bit_mask = (1ULL << SB_PIN_LED) | (1ULL << SB_PIN_MOTOR),
        .mode = GPIO_MODE_OUTPUT,
    };
    esp_err_t err = gpio_config(&outputs);
    if (err == ESP_OK) {
        err = gpio_set_level(SB_PIN_LED, 0);
    }
    if (err == ESP_OK) {
        err = gpio_set_level(SB_PIN_MOTOR, 0);
    }
    if (err != ESP_OK) {
        return err;
    }
    const gpio_config_t button = {
        .pin_bit_mask = 1ULL << SB_PIN_BUTTON,
        .mode = GPIO_MODE_INPUT,
        .pull_up_en = GPIO_PULLUP_ENABLE,
    };
    return gpio_config(&button);
}

static void measure_battery(uint8_t *last_level)
{
    uint16_t cell_mv = 0;
    esp_err_t err = battery_adc_read_mv(&cell_mv);
    if (err != ESP_OK) {
        ESP_LOGW(TAG, "battery: %s", esp_err_to_name(err));
        return;
    }
    sb_device *d = app_lock();
    /* The XIAO's charger has no status pin: "charging" is not observable. */
    sb_device_battery(d, cell_mv, false);
    uint8_t level = sb_device_battery_level(d);
    app_unlock();
    if (level != *last_level) {
        *last_level = level;
        ble_server_notify_battery(level == 0xFFu ? 0u : level);
    }
}

static void supervisor_task(void *arg)
{
    (void)arg;
    sb_button button;
    sb_button_init(&button, app_now_ms(), gpio_get_level(SB_PIN_BUTTON) == 0);
    uint32_t next_battery = 0, next_environment = 0;
    uint8_t battery_level = 0xFFu;
    TickType_t wake = xTaskGetTickCount();
    for (;;) {
        vTaskDelayUntil(&wake, pdMS_TO_TICKS(TICK_MS));
        uint32_t now = app_now_ms();
        if (sb_time_reached(now, next_battery)) {
            next_battery = now + BATTERY_PERIOD_MS;
            measure_battery(&battery_level);
        }
        sb_button_event event = sb_button_update(&button, now, gpio_get_level(SB_PIN_BUTTON) == 0);
        uint8_t status[SB_STATUS_SIZE];
        sb_device *d = app_lock();
        sb_device_button(d, now, event);
        sb_outputs out = sb_device_tick(d, now);
        bool pairing = sb_device_pairing_allowed(d, now);
        bool status_due = sb_device_status_due(d, now, status);
        bool sleep = sb_device_should_sleep(d, now);
        bool critical = sb_battery_critical(&d->battery);
        double pressure = sb_device_latest_pressure_pa(d);
        double temperature = sb_device_latest_temperature_c(d);
        app_unlock();

        if (event == SB_BUTTON_HOLD) {
            ESP_LOGI(TAG, "button held 3 s: pairing window open for 120 s");
        }
        esp_err_t err = gpio_set_level(SB_PIN_LED, out.led ? 1 : 0);
        if (err == ESP_OK) {
            err = gpio_set_level(SB_PIN_MOTOR, out.motor ? 1 : 0);
        }
        if (err != ESP_OK) {
            ESP_LOGW(TAG, "outputs: %s", esp_err_to_name(err));
        }
        ble_server_set_pairing_allowed(pairing);
        if (status_due) {
            ble_server_notify_status(status, sizeof status);
        }
        if (sb_time_reached(now, next_environment)) {
            next_environment = now + ENVIRONMENT_PERIOD_MS;
            ble_server_notify_environment(pressure, temperature);
        }
        if (sleep) {
            power_deep_sleep(!critical && sampler_imu_present());
        }
    }
}

esp_err_t supervisor_start(void)
{
    if (xTaskCreate(supervisor_task, "supervisor", 4096, NULL, 5, NULL) != pdPASS) {
        return ESP_ERR_NO_MEM;
    }
    return ESP_OK;
}
