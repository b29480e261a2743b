/*
 * GPIO assignment of the SpineBall sensor. hardware/pinout.csv is the source
 * of truth; tests/hardware/test_pinout.py checks that both agree, line by
 * line, in both directions. Only the SB_C3_PIN_* / SB_C6_PIN_* lines are
 * parsed: keep one "#define SB_<board>_PIN_<SIGNAL> <gpio>" per pin.
 *
 * Deep-sleep wake sources must be RTC/LP GPIOs (C3: GPIO0–5, C6: GPIO0–7):
 * the button and the IMU's wake-on-motion interrupt sit there.
 */
#ifndef SPINEBALL_BOARD_PINS_H
#define SPINEBALL_BOARD_PINS_H

#include "sdkconfig.h"

/* Seeed XIAO ESP32-C3 */
#define SB_C3_PIN_I2C_SDA 6     /* D4: MPRLS + LSM6DSOX, 4.7 kΩ pull-ups on the breakouts */
#define SB_C3_PIN_I2C_SCL 7     /* D5 */
#define SB_C3_PIN_BATTERY_ADC 2 /* A0/D0: cell voltage through 2 × 100 kΩ (ADC1 channel 2) */
#define SB_C3_PIN_BUTTON 3      /* D1: to GND, internal pull-up, wakes from deep sleep */
#define SB_C3_PIN_IMU_INT1 4    /* D2: LSM6DSOX INT1, active low, wake-on-motion */
#define SB_C3_PIN_MPRLS_EOC 5   /* D3: MPRLS end of conversion, high when ready */
#define SB_C3_PIN_LED 21        /* D6: blue LED through 330 Ω, active high */
#define SB_C3_PIN_MOTOR 20      /* D7: vibration motor driver transistor base, active high */

/* Seeed XIAO ESP32-C6 (second target) */
#define SB_C6_PIN_I2C_SDA 22
#define SB_C6_PIN_I2C_SCL 23
#define SB_C6_PIN_BATTERY_ADC 0
#define SB_C6_PIN_BUTTON 1
#define SB_C6_PIN_IMU_INT1 2
#define SB_C6_PIN_MPRLS_EOC 21
#define SB_C6_PIN_LED 16
#define SB_C6_PIN_MOTOR 17

#if CONFIG_IDF_TARGET_ESP32C6
#define SB_BOARD(signal) SB_C6_PIN_##signal
#define SB_BOARD_NAME "XIAO ESP32-C6"
#elif CONFIG_IDF_TARGET_ESP32C3
#define SB_BOARD(signal) SB_C3_PIN_##signal
#define SB_BOARD_NAME "XIAO ESP32-C3"
#else
#error "SpineBall firmware targets esp32c3 and esp32c6 (idf.py set-target esp32c3)"
#endif

#define SB_PIN_I2C_SDA SB_BOARD(I2C_SDA)
#define SB_PIN_I2C_SCL SB_BOARD(I2C_SCL)
#define SB_PIN_BATTERY_ADC SB_BOARD(BATTERY_ADC)
#define SB_PIN_BUTTON SB_BOARD(BUTTON)
#define SB_PIN_IMU_INT1 SB_BOARD(IMU_INT1)
#define SB_PIN_MPRLS_EOC SB_BOARD(MPRLS_EOC)
#define SB_PIN_LED SB_BOARD(LED)
#define SB_PIN_MOTOR SB_BOARD(MOTOR)

#endif /* SPINEBALL_BOARD_PINS_H */
