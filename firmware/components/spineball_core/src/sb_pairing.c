#include "spineball/sb_pairing.h"

void sb_pairing_close(sb_pairing *p)
{
    p->open = false;
    p->closes_at_ms = 0u;
}

uint8_t sb_pairing_open_for(sb_pairing *p, uint32_t now_ms, uint32_t seconds)
{
    if (seconds == 0u) {
        sb_pairing_close(p);
        return 0u;
    }
    p->open = true;
    p->closes_at_ms = now_ms + seconds * 1000u;
    return sb_pairing_remaining_s(p, now_ms);
}

void sb_pairing_power_on(sb_pairing *p, uint32_t now_ms, bool has_bonds)
{
    sb_pairing_close(p);
    if (!has_bonds) {
        (void)sb_pairing_open_for(p, now_ms, SB_PAIRING_BOOT_WINDOW_S);
    }
}

void sb_pairing_button_hold(sb_pairing *p, uint32_t now_ms)
{
    (void)sb_pairing_open_for(p, now_ms, SB_PAIRING_BUTTON_WINDOW_S);
}

void sb_pairing_completed(sb_pairing *p)
{
    sb_pairing_close(p);
}

bool sb_pairing_is_open(sb_pairing *p, uint32_t now_ms)
{
    if (p->open && sb_time_reached(now_ms, p->closes_at_ms)) {
        sb_pairing_close(p);
    }
    return p->open;
}

uint8_t sb_pairing_remaining_s(sb_pairing *p, uint32_t now_ms)
{
    if (!sb_pairing_is_open(p, now_ms)) {
        return 0u;
    }
    uint32_t left_ms = p->closes_at_ms - now_ms;
    uint32_t left_s = (left_ms + 999u) / 1000u;
    return (uint8_t)(left_s > 255u ? 255u : left_s);
}
