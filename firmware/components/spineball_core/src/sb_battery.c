#include "spineball/sb_battery.h"

#include "spineball/sb_status.h"

typedef struct {
    uint16_t mv;
    uint8_t percent;
} curve_point;

/* Typical 1-cell LiPo resting voltage vs. state of charge, 4.20 V full to
 * 3.27 V empty (the common hobby-cell table; the protection IC cuts off near
 * 3.0 V, below the 0 % point). */
static const curve_point CURVE[] = {
    {3270u, 0u},  {3610u, 5u},  {3690u, 10u}, {3710u, 15u}, {3730u, 20u}, {3750u, 25u},
    {3770u, 30u}, {3790u, 35u}, {3800u, 40u}, {3820u, 45u}, {3840u, 50u}, {3850u, 55u},
    {3870u, 60u}, {3910u, 65u}, {3950u, 70u}, {3980u, 75u}, {4020u, 80u}, {4080u, 85u},
    {4110u, 90u}, {4150u, 95u}, {4200u, 100u},
};

#define CURVE_LEN (sizeof CURVE / sizeof CURVE[0])

uint16_t sb_battery_cell_mv(uint16_t pin_mv)
{
    uint32_t mv = (uint32_t)pin_mv * SB_BATTERY_DIVIDER_RATIO;
    return (uint16_t)(mv > 0xFFFFu ? 0xFFFFu : mv);
}

uint8_t sb_battery_percent(uint16_t cell_mv)
{
    if (cell_mv <= CURVE[0].mv) {
        return 0u;
    }
    for (unsigned i = 1u; i < CURVE_LEN; i++) {
        if (cell_mv < CURVE[i].mv) {
            const curve_point *lo = &CURVE[i - 1u];
            const curve_point *hi = &CURVE[i];
            uint32_t span_mv = (uint32_t)(hi->mv - lo->mv);
            uint32_t span_pct = (uint32_t)(hi->percent - lo->percent);
            uint32_t above = (uint32_t)(cell_mv - lo->mv);
            return (uint8_t)(lo->percent + (above * span_pct + span_mv / 2u) / span_mv);
        }
    }
    return 100u;
}

void sb_battery_init(sb_battery *b)
{
    b->filtered_mv_x8 = 0u;
    b->primed = false;
}

uint16_t sb_battery_update(sb_battery *b, uint16_t cell_mv)
{
    if (!b->primed) {
        b->filtered_mv_x8 = (uint32_t)cell_mv * 8u;
        b->primed = true;
    } else {
        b->filtered_mv_x8 = b->filtered_mv_x8 - (b->filtered_mv_x8 + 4u) / 8u + cell_mv;
    }
    return (uint16_t)((b->filtered_mv_x8 + 4u) / 8u);
}

static uint16_t filtered_mv(const sb_battery *b)
{
    return (uint16_t)((b->filtered_mv_x8 + 4u) / 8u);
}

static bool present(const sb_battery *b)
{
    return b->primed && filtered_mv(b) >= SB_BATTERY_PRESENT_MIN_MV;
}

uint8_t sb_battery_level(const sb_battery *b)
{
    return present(b) ? sb_battery_percent(filtered_mv(b)) : SB_BATTERY_UNKNOWN;
}

bool sb_battery_low(const sb_battery *b)
{
    return present(b) && sb_battery_percent(filtered_mv(b)) < SB_BATTERY_LOW_PERCENT;
}

bool sb_battery_critical(const sb_battery *b)
{
    return present(b) && filtered_mv(b) < SB_BATTERY_CRITICAL_MV;
}
