/*
 * What the ball shows and feels: the vibration motor patterns of BUZZ
 * (docs/protocol.md §4.1) and the blue LED. Both are pure functions of time,
 * so the firmware only has to sample them on its periodic tick.
 */
#ifndef SPINEBALL_SB_SIGNAL_H
#define SPINEBALL_SB_SIGNAL_H

#include "spineball/sb_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SB_BUZZ_TICK = 0,   /* 40 ms */
    SB_BUZZ_DOUBLE = 1, /* two 60 ms pulses */
    SB_BUZZ_LONG = 2,   /* 500 ms */
    SB_BUZZ_ALARM = 3   /* three 150 ms pulses */
} sb_buzz_pattern;

typedef struct {
    bool active;
    uint8_t pattern;
    uint8_t repetitions;
    uint32_t started_ms;
} sb_buzz;

/* Duration of one repetition of a pattern, ms (0 for an unknown pattern). */
uint32_t sb_buzz_period_ms(uint8_t pattern);

/* Start a pattern (replaces a running one). False for an unknown pattern or
 * a repetition count outside 1 … 10. */
bool sb_buzz_start(sb_buzz *b, uint32_t now_ms, uint8_t pattern, uint8_t repetitions);

/* Motor on at this moment? Ends the pattern after its last repetition. */
bool sb_buzz_output(sb_buzz *b, uint32_t now_ms);

/* What the LED should say, most important first. */
typedef struct {
    bool identify;     /* IDENTIFY running: fast blink */
    bool pairing_open; /* pairing window: 1 Hz blink ("the LED blinks blue") */
    bool low_battery;  /* double flash every 4 s */
    bool connected;    /* a client is connected: a 30 ms heartbeat every 4 s */
} sb_led_state;

bool sb_led_output(const sb_led_state *state, uint32_t now_ms);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_SIGNAL_H */
