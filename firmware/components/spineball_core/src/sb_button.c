#include "spineball/sb_button.h"

void sb_button_init(sb_button *b, uint32_t now_ms, bool pressed)
{
    b->raw = pressed;
    b->pressed = pressed;
    /* Held at power-on (it woke the ball): not a fresh press, no events. */
    b->hold_reported = pressed;
    b->raw_since = now_ms;
    b->pressed_at = now_ms;
}

sb_button_event sb_button_update(sb_button *b, uint32_t now_ms, bool pressed)
{
    if (pressed != b->raw) {
        b->raw = pressed;
        b->raw_since = now_ms;
    }
    bool stable = (uint32_t)(now_ms - b->raw_since) >= SB_BUTTON_DEBOUNCE_MS;
    if (stable && b->raw != b->pressed) {
        b->pressed = b->raw;
        if (b->pressed) {
            b->pressed_at = b->raw_since;
            b->hold_reported = false;
            return SB_BUTTON_NONE;
        }
        bool was_hold = b->hold_reported;
        b->hold_reported = false;
        return was_hold ? SB_BUTTON_NONE : SB_BUTTON_SHORT_PRESS;
    }
    if (b->pressed && !b->hold_reported &&
        (uint32_t)(now_ms - b->pressed_at) >= SB_BUTTON_HOLD_MS) {
        b->hold_reported = true;
        return SB_BUTTON_HOLD;
    }
    return SB_BUTTON_NONE;
}
