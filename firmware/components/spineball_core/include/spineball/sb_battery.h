/*
 * Battery estimate for the single-cell LiPo on the XIAO's charger. The cell
 * voltage reaches ADC pin A0 through a 2 × 100 kΩ divider (domain notes), so
 * the cell is twice the pin voltage. Percent follows a typical LiPo
 * open-circuit discharge curve (light load, 20–25 °C); the ball draws a few
 * mA, close enough to open circuit for a ±5 % gauge.
 */
#ifndef SPINEBALL_SB_BATTERY_H
#define SPINEBALL_SB_BATTERY_H

#include "spineball/sb_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SB_BATTERY_DIVIDER_RATIO 2u      /* 100 kΩ over 100 kΩ */
#define SB_BATTERY_LOW_PERCENT 15u       /* Status LOW_BATTERY below this */
#define SB_BATTERY_CRITICAL_MV 3500u     /* ≈ 5 %: stop sampling, deep sleep */
#define SB_BATTERY_PRESENT_MIN_MV 2500u  /* below: no cell (USB only) → unknown */

/* Cell voltage from the divided pin voltage. */
uint16_t sb_battery_cell_mv(uint16_t pin_mv);

/* 0–100 % from the cell voltage (linear between curve points). */
uint8_t sb_battery_percent(uint16_t cell_mv);

typedef struct {
    uint32_t filtered_mv_x8; /* exponential average ×8 (α = 1/8) */
    bool primed;
} sb_battery;

void sb_battery_init(sb_battery *b);

/* Add one cell-voltage reading (sampled every few seconds); returns the
 * filtered voltage, which damps the dips of radio bursts. */
uint16_t sb_battery_update(sb_battery *b, uint16_t cell_mv);

/* Percent for Status/Battery Level, SB_BATTERY_UNKNOWN (0xFF) with no cell. */
uint8_t sb_battery_level(const sb_battery *b);

bool sb_battery_low(const sb_battery *b);
bool sb_battery_critical(const sb_battery *b);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_BATTERY_H */
