/*
 * SpineBall sensor firmware: pressure, orientation and temperature of the
 * exercise ball over Bluetooth LE (docs/protocol.md). Start-up order:
 * storage → power management → pins → NimBLE host + GATT table → the ball's
 * logic (portable core) → sensors and sampling → housekeeping → radio.
 */
#include <stdbool.h>

#include "app_state.h"
#include "battery_adc.h"
#include "ble_server.h"
#include "board_pins.h"
#include "esp_log.h"
#include "i2c_bus.h"
#include "nimble/nimble_port.h"
#include "nvs.h"
#include "power.h"
#include "sampler.h"
#include "spineball/sb_cal.h"
#include "storage.h"
#include "supervisor.h"

static const char *TAG = "spineball";

void app_main(void)
{
    ESP_LOGI(TAG, "SpineBall %u.%u.%u on %s, woke by %s", SB_FIRMWARE_MAJOR, SB_FIRMWARE_MINOR,
             SB_FIRMWARE_PATCH, SB_BOARD_NAME, power_wake_reason());

    /* Bonds and calibration live in NVS: nothing works without it. */
    ESP_ERROR_CHECK(storage_init());
    /* Without light sleep the ball still works, only with a shorter battery life. */
    if (power_init() != ESP_OK) {
        ESP_LOGW(TAG, "running without power management");
    }
    ESP_ERROR_CHECK(supervisor_init_pins());

    ESP_ERROR_CHECK(nimble_port_init());
    bool has_bonds = false;
    ESP_ERROR_CHECK(ble_server_init(&has_bonds));

    uint8_t cal[SB_CAL_BLOB_SIZE];
    size_t cal_len = sizeof cal;
    esp_err_t err = storage_load_calibration(cal, &cal_len);
    if (err != ESP_OK && err != ESP_ERR_NVS_NOT_FOUND) {
        ESP_LOGW(TAG, "calibration unreadable: %s", esp_err_to_name(err));
    }
    ESP_ERROR_CHECK(app_state_init(has_bonds, err == ESP_OK ? cal : NULL, cal_len));
    if (err != ESP_OK && err != ESP_ERR_NVS_NOT_FOUND) {
        sb_device *d = app_lock();
        sb_device_storage_fault(d);
        app_unlock();
    }

    /* A missing sensor is reported (Status errors, invalid readings), not fatal. */
    if (i2c_bus_init() != ESP_OK) {
        ESP_LOGE(TAG, "I2C bus unavailable: no pressure, no orientation");
    }
    if (battery_adc_init() != ESP_OK) {
        ESP_LOGW(TAG, "battery voltage unavailable: level reads unknown");
    }
    ESP_ERROR_CHECK(sampler_start());
    ESP_ERROR_CHECK(supervisor_start());
    ESP_ERROR_CHECK(ble_server_start());
}
