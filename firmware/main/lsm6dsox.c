#include "lsm6dsox.h"

#include "esp_log.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "i2c_bus.h"

/* Registers and values from the LSM6DSOX datasheet (DS12814). */
#define REG_CTRL1_XL 0x10u
#define REG_CTRL2_G 0x11u
#define REG_CTRL3_C 0x12u
#define REG_CTRL6_C 0x15u
#define REG_TAP_CFG0 0x56u
#define REG_TAP_CFG2 0x58u
#define REG_WAKE_UP_THS 0x5Bu
#define REG_WAKE_UP_DUR 0x5Cu
#define REG_MD1_CFG 0x5Eu

#define CTRL3_SW_RESET 0x01u
#define CTRL3_IF_INC 0x04u
#define CTRL3_H_LACTIVE 0x20u /* interrupt pins active low */
#define CTRL3_BDU 0x40u
#define ODR_26HZ 0x20u
#define ODR_208HZ 0x50u
#define FS_XL_4G 0x08u
#define FS_G_500DPS 0x04u
#define CTRL6_XL_HM_MODE 0x10u      /* accelerometer high-performance off: low power */
#define TAP_CFG2_INTERRUPTS_ENABLE 0x80u
#define MD1_INT1_WU 0x20u
#define WAKE_THRESHOLD_125MG 2u     /* 1 LSB = FS/64 = 62.5 mg at ±4 g */

static const char *TAG = "lsm6dsox";
static i2c_master_dev_handle_t s_dev;

static esp_err_t write_reg(uint8_t reg, uint8_t value)
{
    const uint8_t data[2] = {reg, value};
    esp_err_t err = i2c_master_transmit(s_dev, data, sizeof data, SB_I2C_TIMEOUT_MS);
    if (err == ESP_ERR_TIMEOUT) {
        i2c_bus_recover();
    }
    return err;
}

static esp_err_t read_regs(uint8_t reg, uint8_t *out, size_t len)
{
    esp_err_t err = i2c_master_transmit_receive(s_dev, &reg, 1, out, len, SB_I2C_TIMEOUT_MS);
    if (err == ESP_ERR_TIMEOUT) {
        i2c_bus_recover();
    }
    return err;
}

#define CHECK(expr)                                                                                \
    do {                                                                                           \
        esp_err_t err_ = (expr);                                                                   \
        if (err_ != ESP_OK) {                                                                      \
            ESP_LOGE(TAG, "%s: %s", #expr, esp_err_to_name(err_));                                 \
            return err_;                                                                           \
        }                                                                                          \
    } while (0)

esp_err_t lsm6dsox_init(void)
{
    CHECK(i2c_bus_add(SB_LSM6DSOX_ADDRESS, &s_dev));
    uint8_t who = 0;
    CHECK(read_regs(SB_LSM6DSOX_WHO_AM_I, &who, 1));
    if (who != SB_LSM6DSOX_WHO_AM_I_VALUE) {
        ESP_LOGE(TAG, "WHO_AM_I 0x%02x, expected 0x%02x", who, SB_LSM6DSOX_WHO_AM_I_VALUE);
        return ESP_ERR_NOT_FOUND;
    }
    CHECK(write_reg(REG_CTRL3_C, CTRL3_SW_RESET));
    vTaskDelay(pdMS_TO_TICKS(10));
    CHECK(write_reg(REG_CTRL3_C, CTRL3_BDU | CTRL3_IF_INC | CTRL3_H_LACTIVE));
    CHECK(write_reg(REG_MD1_CFG, 0u));
    CHECK(write_reg(REG_CTRL6_C, 0u));
    CHECK(write_reg(REG_CTRL1_XL, ODR_208HZ | FS_XL_4G));
    CHECK(write_reg(REG_CTRL2_G, ODR_208HZ | FS_G_500DPS));
    return ESP_OK;
}

esp_err_t lsm6dsox_read(sb_imu_reading *out)
{
    if (s_dev == NULL) {
        return ESP_ERR_INVALID_STATE;
    }
    uint8_t burst[SB_LSM6DSOX_BURST_SIZE];
    esp_err_t err = read_regs(SB_LSM6DSOX_OUT_TEMP_L, burst, sizeof burst);
    if (err == ESP_OK) {
        sb_lsm6dsox_convert(burst, out);
    }
    return err;
}

esp_err_t lsm6dsox_arm_wake_on_motion(void)
{
    if (s_dev == NULL) {
        return ESP_ERR_INVALID_STATE;
    }
    CHECK(write_reg(REG_CTRL2_G, 0u)); /* gyro power-down */
    CHECK(write_reg(REG_CTRL6_C, CTRL6_XL_HM_MODE));
    CHECK(write_reg(REG_CTRL1_XL, ODR_26HZ | FS_XL_4G));
    CHECK(write_reg(REG_WAKE_UP_DUR, 0u));
    CHECK(write_reg(REG_WAKE_UP_THS, WAKE_THRESHOLD_125MG));
    CHECK(write_reg(REG_TAP_CFG0, 0u));
    CHECK(write_reg(REG_TAP_CFG2, TAP_CFG2_INTERRUPTS_ENABLE));
    CHECK(write_reg(REG_MD1_CFG, MD1_INT1_WU));
    return ESP_OK;
}
