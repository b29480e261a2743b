#include "mprls.h"

#include <math.h>

#include "board_pins.h"
#include "driver/gpio.h"
#include "esp_log.h"
#include "i2c_bus.h"

static const char *TAG = "mprls";
static i2c_master_dev_handle_t s_dev;

esp_err_t mprls_init(void)
{
    const gpio_config_t eoc = {
        .pin_bit_mask = 1ULL << SB_PIN_MPRLS_EOC,
        .mode = GPIO_MODE_INPUT,
        .pull_down_en = GPIO_PULLDOWN_ENABLE, /* a missing sensor reads "busy", not "ready" */
    };
    esp_err_t err = gpio_config(&eoc);
    if (err != ESP_OK) {
        return err;
    }
    err = i2c_bus_add(SB_MPRLS_ADDRESS, &s_dev);
    if (err != ESP_OK) {
        return err;
    }
    return mprls_start();
}

esp_err_t mprls_start(void)
{
    if (s_dev == NULL) {
        return ESP_ERR_INVALID_STATE;
    }
    static const uint8_t command[3] = {0xAA, 0x00, 0x00}; /* datasheet: output measurement */
    esp_err_t err = i2c_master_transmit(s_dev, command, sizeof command, SB_I2C_TIMEOUT_MS);
    if (err == ESP_ERR_TIMEOUT) {
        i2c_bus_recover();
    }
    return err;
}

sb_mprls_state mprls_read(double *pressure_pa)
{
    *pressure_pa = NAN;
    if (s_dev == NULL) {
        return SB_MPRLS_FAULT;
    }
    if (gpio_get_level(SB_PIN_MPRLS_EOC) == 0) {
        return SB_MPRLS_BUSY;
    }
    uint8_t reply[4];
    esp_err_t err = i2c_master_receive(s_dev, reply, sizeof reply, SB_I2C_TIMEOUT_MS);
    if (err != ESP_OK) {
        ESP_LOGW(TAG, "read: %s", esp_err_to_name(err));
        if (err == ESP_ERR_TIMEOUT) {
            i2c_bus_recover();
        }
        return SB_MPRLS_FAULT;
    }
    return sb_mprls_decode(reply, pressure_pa);
}
