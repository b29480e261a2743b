/*
 * The ball's one button: debounced, a short press (< 3 s) and a hold (3 s,
 * reported while still held so the LED can answer at once).
 */
#ifndef SPINEBALL_SB_BUTTON_H
#define SPINEBALL_SB_BUTTON_H

#include "spineball/sb_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SB_BUTTON_DEBOUNCE_MS 30u
#define SB_BUTTON_HOLD_MS 3000u

typedef enum { SB_BUTTON_NONE = 0, SB_BUTTON_SHORT_PRESS, SB_BUTTON_HOLD } sb_button_event;

typedef struct {
    bool raw;            /* last raw level seen */
    bool pressed;        /* debounced level */
    bool hold_reported;  /* the hold of this press was reported */
    uint32_t raw_since;  /* when `raw` last changed */
    uint32_t pressed_at; /* when the debounced press began */
} sb_button;

void sb_button_init(sb_button *b, uint32_t now_ms, bool pressed);

/* Feed the level (true = pressed) every few ms; returns at most one event. */
sb_button_event sb_button_update(sb_button *b, uint32_t now_ms, bool pressed);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_BUTTON_H */
