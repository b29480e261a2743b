#include "spineball/sb_signal.h"

#include "spineball/sb_command.h"

/* Alternating on/off durations in ms, starting with "on"; 0 ends the list. */
static const uint16_t PATTERNS[][7] = {
    [SB_BUZZ_TICK] = {40u, 160u, 0u},
    [SB_BUZZ_DOUBLE] = {60u, 90u, 60u, 290u, 0u},
    [SB_BUZZ_LONG] = {500u, 300u, 0u},
    [SB_BUZZ_ALARM] = {150u, 100u, 150u, 100u, 150u, 350u, 0u},
};

#define PATTERN_STEPS (sizeof PATTERNS[0] / sizeof PATTERNS[0][0])

uint32_t sb_buzz_period_ms(uint8_t pattern)
{
    if (pattern > SB_BUZZ_PATTERN_MAX) {
        return 0u;
    }
    uint32_t total = 0u;
    for (unsigned i = 0u; i < PATTERN_STEPS && PATTERNS[pattern][i] != 0u; i++) {
        total += PATTERNS[pattern][i];
    }
    return total;
}

bool sb_buzz_start(sb_buzz *b, uint32_t now_ms, uint8_t pattern, uint8_t repetitions)
{
    if (pattern > SB_BUZZ_PATTERN_MAX || repetitions < 1u ||
        repetitions > SB_BUZZ_REPETITIONS_MAX) {
        return false;
    }
    b->active = true;
    b->pattern = pattern;
    b->repetitions = repetitions;
    b->started_ms = now_ms;
    return true;
}

bool sb_buzz_output(sb_buzz *b, uint32_t now_ms)
{
    if (!b->active) {
        return false;
    }
    uint32_t period = sb_buzz_period_ms(b->pattern);
    uint32_t elapsed = now_ms - b->started_ms;
    if (period == 0u || elapsed >= period * b->repetitions) {
        b->active = false;
        return false;
    }
    uint32_t t = elapsed % period;
    bool on = true;
    for (unsigned i = 0u; i < PATTERN_STEPS && PATTERNS[b->pattern][i] != 0u; i++) {
        if (t < PATTERNS[b->pattern][i]) {
            return on;
        }
        t -= PATTERNS[b->pattern][i];
        on = !on;
    }
    return false;
}

bool sb_led_output(const sb_led_state *state, uint32_t now_ms)
{
    if (state->identify) {
        return (now_ms % 200u) < 100u;
    }
    if (state->pairing_open) {
        return (now_ms % 1000u) < 500u;
    }
    uint32_t t = now_ms % 4000u;
    if (state->low_battery) {
        return t < 60u || (t >= 200u && t < 260u);
    }
    if (state->connected) {
        return t < 30u;
    }
    return false;
}
