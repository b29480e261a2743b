#include "battery_adc.h"

#include "board_pins.h"
#include "esp_adc/adc_cali.h"
#include "esp_adc/adc_cali_scheme.h"
#include "esp_adc/adc_oneshot.h"
#include "esp_log.h"
#include "spineball/sb_battery.h"

static const char *TAG = "battery";
static adc_oneshot_unit_handle_t s_unit;
static adc_cali_handle_t s_cali;
static adc_channel_t s_channel;

esp_err_t battery_adc_init(void)
{
    adc_unit_t unit;
    esp_err_t err = adc_oneshot_io_to_channel(SB_PIN_BATTERY_ADC, &unit, &s_channel);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "GPIO%d is not an ADC pin", SB_PIN_BATTERY_ADC);
        return err;
    }
    const adc_oneshot_unit_init_cfg_t unit_config = {.unit_id = unit};
    err = adc_oneshot_new_unit(&unit_config, &s_unit);
    if (err != ESP_OK) {
        return err;
    }
    /* 12 dB attenuation: the pin sees up to 2.1 V (4.2 V / 2). */
    const adc_oneshot_chan_cfg_t channel = {.atten = ADC_ATTEN_DB_12,
                                            .bitwidth = ADC_BITWIDTH_DEFAULT};
    err = adc_oneshot_config_channel(s_unit, s_channel, &channel);
    if (err != ESP_OK) {
        return err;
    }
    const adc_cali_curve_fitting_config_t cali = {
        .unit_id = unit,
        .chan = s_channel,
        .atten = ADC_ATTEN_DB_12,
        .bitwidth = ADC_BITWIDTH_DEFAULT,
    };
    err = adc_cali_create_scheme_curve_fitting(&cali, &s_cali);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "no ADC calibration: %s", esp_err_to_name(err));
    }
    return err;
}

esp_err_t battery_adc_read_mv(uint16_t *cell_mv)
{
    if (s_unit == NULL || s_cali == NULL) {
        return ESP_ERR_INVALID_STATE;
    }
    int32_t sum = 0;
    for (int i = 0; i < 16; i++) {
        int raw = 0;
        int mv = 0;
        esp_err_t err = adc_oneshot_read(s_unit, s_channel, &raw);
        if (err == ESP_OK) {
            err = adc_cali_raw_to_voltage(s_cali, raw, &mv);
        }
        if (err != ESP_OK) {
            return err;
        }
        sum += mv;
    }
    *cell_mv = sb_battery_cell_mv((uint16_t)(sum / 16));
    return ESP_OK;
}
