/*
 * Pairing window (docs/protocol.md §2): the ball accepts a new bond only
 * while the window is open — the first 180 s after power-on with no bonds,
 * 120 s after a 3 s button hold, or as long as a bonded client asks with
 * PAIRING_WINDOW. It closes on a completed pairing, on timeout or on command.
 * Times are a 32-bit millisecond clock that may wrap.
 */
#ifndef SPINEBALL_SB_PAIRING_H
#define SPINEBALL_SB_PAIRING_H

#include "spineball/sb_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SB_PAIRING_BOOT_WINDOW_S 180u
#define SB_PAIRING_BUTTON_WINDOW_S 120u

typedef struct {
    bool open;
    uint32_t closes_at_ms;
} sb_pairing;

/* Power-on: open for 180 s when the ball has no bonds, closed otherwise. */
void sb_pairing_power_on(sb_pairing *p, uint32_t now_ms, bool has_bonds);

/* Open (or re-open) for `seconds`; 0 closes. Returns the seconds left (≤ 255). */
uint8_t sb_pairing_open_for(sb_pairing *p, uint32_t now_ms, uint32_t seconds);

/* The button was held for 3 s. */
void sb_pairing_button_hold(sb_pairing *p, uint32_t now_ms);

/* A pairing completed (a new bond was stored): close. */
void sb_pairing_completed(sb_pairing *p);

void sb_pairing_close(sb_pairing *p);

/* Whether a pairing request is accepted now (closes the window on timeout). */
bool sb_pairing_is_open(sb_pairing *p, uint32_t now_ms);

/* Seconds left, rounded up, 255 for ≥ 255, 0 when closed (Status field). */
uint8_t sb_pairing_remaining_s(sb_pairing *p, uint32_t now_ms);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_PAIRING_H */
