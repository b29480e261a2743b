#include "power.h"

#include "ble_server.h"
#include "board_pins.h"
#include "driver/gpio.h"
#include "esp_idf_version.h"
#include "esp_log.h"
#include "esp_pm.h"
#include "esp_sleep.h"
#include "lsm6dsox.h"
#include "soc/soc_caps.h"

static const char *TAG = "power";

esp_err_t power_init(void)
{
#if CONFIG_PM_ENABLE
    /* Between sample ticks nothing runs: the CPU light-sleeps, the BLE
     * controller keeps the connection in modem sleep. 40 MHz = the crystal. */
    const esp_pm_config_t config = {
        .max_freq_mhz = CONFIG_ESP_DEFAULT_CPU_FREQ_MHZ,
        .min_freq_mhz = 40,
        .light_sleep_enable = true,
    };
    esp_err_t err = esp_pm_configure(&config);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_pm_configure: %s", esp_err_to_name(err));
    }
    return err;
#else
    ESP_LOGW(TAG, "CONFIG_PM_ENABLE is off: no light sleep, battery life is much shorter");
    return ESP_OK;
#endif
}

void power_deep_sleep(bool wake_on_motion)
{
    ESP_LOGI(TAG, "deep sleep (wake on button%s)", wake_on_motion ? " or motion" : "");
    ble_server_stop();
    esp_err_t err = gpio_set_level(SB_PIN_LED, 0);
    if (err == ESP_OK) {
        err = gpio_set_level(SB_PIN_MOTOR, 0);
    }
    if (err != ESP_OK) {
        ESP_LOGW(TAG, "outputs off: %s", esp_err_to_name(err));
    }
    uint64_t mask = 1ULL << SB_PIN_BUTTON; /* active low, 10 kΩ pull-up on the board */
    if (wake_on_motion) {
        err = lsm6dsox_arm_wake_on_motion();
        if (err == ESP_OK) {
            mask |= 1ULL << SB_PIN_IMU_INT1; /* active low (H_LACTIVE) */
        } else {
            ESP_LOGW(TAG, "no wake-on-motion (%s): button only", esp_err_to_name(err));
        }
    }
#if SOC_GPIO_SUPPORT_DEEPSLEEP_WAKEUP && ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(6, 0, 0)
    err = esp_sleep_enable_gpio_wakeup_on_hp_periph_powerdown(mask, ESP_GPIO_WAKEUP_GPIO_LOW);
#elif SOC_GPIO_SUPPORT_DEEPSLEEP_WAKEUP
    err = esp_deep_sleep_enable_gpio_wakeup(mask, ESP_GPIO_WAKEUP_GPIO_LOW);
#else
    err = esp_sleep_enable_ext1_wakeup_io(mask, ESP_EXT1_WAKEUP_ANY_LOW);
#endif
    if (err != ESP_OK) {
        /* Never sleep without a way back: stay awake and try again later. */
        ESP_LOGE(TAG, "wake-up source: %s; staying awake", esp_err_to_name(err));
        return;
    }
    esp_deep_sleep_start();
}

const char *power_wake_reason(void)
{
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(6, 0, 0)
    uint32_t causes = esp_sleep_get_wakeup_causes();
    if ((causes & ((1u << ESP_SLEEP_WAKEUP_GPIO) | (1u << ESP_SLEEP_WAKEUP_EXT1))) != 0u) {
        return "button or motion";
    }
    return causes == 0u || causes == (1u << ESP_SLEEP_WAKEUP_UNDEFINED) ? "power-on or reset"
                                                                        : "other";
#else
    switch (esp_sleep_get_wakeup_cause()) {
    case ESP_SLEEP_WAKEUP_UNDEFINED:
        return "power-on or reset";
    case ESP_SLEEP_WAKEUP_GPIO:
    case ESP_SLEEP_WAKEUP_EXT1:
        return "button or motion";
    default:
        return "other";
    }
#endif
}
