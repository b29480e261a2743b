#include "i2c_bus.h"

#include "board_pins.h"
#include "esp_log.h"

static const char *TAG = "i2c";
static i2c_master_bus_handle_t s_bus;

esp_err_t i2c_bus_init(void)
{
    const i2c_master_bus_config_t config = {
        .i2c_port = -1, /* any free controller */
        .sda_io_num = SB_PIN_I2C_SDA,
        .scl_io_num = SB_PIN_I2C_SCL,
        .clk_source = I2C_CLK_SRC_DEFAULT,
        .glitch_ignore_cnt = 7,
        .flags.enable_internal_pullup = true, /* backs up the breakouts' 4.7 kΩ */
    };
    esp_err_t err = i2c_new_master_bus(&config, &s_bus);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "i2c_new_master_bus: %s", esp_err_to_name(err));
    }
    return err;
}

esp_err_t i2c_bus_add(uint8_t address, i2c_master_dev_handle_t *out)
{
    if (s_bus == NULL) {
        return ESP_ERR_INVALID_STATE;
    }
    esp_err_t err = i2c_master_probe(s_bus, address, SB_I2C_TIMEOUT_MS);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "no device at 0x%02x: %s", address, esp_err_to_name(err));
        return err;
    }
    const i2c_device_config_t device = {
        .dev_addr_length = I2C_ADDR_BIT_LEN_7,
        .device_address = address,
        .scl_speed_hz = SB_I2C_SPEED_HZ,
    };
    err = i2c_master_bus_add_device(s_bus, &device, out);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "adding 0x%02x: %s", address, esp_err_to_name(err));
    }
    return err;
}

void i2c_bus_recover(void)
{
    if (s_bus == NULL) {
        return;
    }
    esp_err_t err = i2c_master_bus_reset(s_bus);
    if (err != ESP_OK) {
        ESP_LOGW(TAG, "bus reset: %s", esp_err_to_name(err));
    }
}
