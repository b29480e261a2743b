/* The sensor I²C bus (SDA/SCL from board_pins.h), 400 kHz, every transfer with a timeout. */
#ifndef SPINEBALL_I2C_BUS_H
#define SPINEBALL_I2C_BUS_H

#include "driver/i2c_master.h"
#include "esp_err.h"

/* Bus transactions never wait longer than this: a stuck sensor cannot hang the sampler. */
#define SB_I2C_TIMEOUT_MS 10
#define SB_I2C_SPEED_HZ 400000

esp_err_t i2c_bus_init(void);

/* Add a device at a 7-bit address after checking it answers. */
esp_err_t i2c_bus_add(uint8_t address, i2c_master_dev_handle_t *out);

/* After a timeout: clock the bus free (a slave may hold SDA low). */
void i2c_bus_recover(void);

#endif /* SPINEBALL_I2C_BUS_H */
