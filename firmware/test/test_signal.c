/* BUZZ motor patterns and LED priorities. */
#include "sb_test.h"

#include "spineball/sb_signal.h"

static uint32_t on_time(sb_buzz *b, uint32_t start, uint32_t duration, unsigned *pulses)
{
    uint32_t total = 0;
    bool previous = false;
    *pulses = 0;
    for (uint32_t t = 0; t < duration; t++) {
        bool on = sb_buzz_output(b, start + t);
        total += on;
        *pulses += on && !previous;
        previous = on;
    }
    return total;
}

static void patterns_have_their_pulses(void **state)
{
    (void)state;
    static const struct {
        uint8_t pattern;
        uint32_t on_ms;
        unsigned pulses;
    } want[] = {{SB_BUZZ_TICK, 40, 1}, {SB_BUZZ_DOUBLE, 120, 2}, {SB_BUZZ_LONG, 500, 1},
                {SB_BUZZ_ALARM, 450, 3}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        sb_buzz b = {0};
        unsigned pulses;
        assert_true(sb_buzz_start(&b, 100, want[i].pattern, 3));
        uint32_t total = on_time(&b, 100, 5000, &pulses);
        assert_int_equal(total, 3 * want[i].on_ms);
        assert_int_equal(pulses, 3 * want[i].pulses);
        assert_false(b.active); /* finished by itself */
    }
    sb_buzz b = {0};
    assert_false(sb_buzz_start(&b, 0, 4, 1));
    assert_false(sb_buzz_start(&b, 0, 0, 0));
    assert_false(sb_buzz_start(&b, 0, 0, 11));
    assert_false(sb_buzz_output(&b, 10));
    assert_int_equal(sb_buzz_period_ms(9), 0);
}

static unsigned led_on_ms(const sb_led_state *s, uint32_t duration)
{
    unsigned on = 0;
    for (uint32_t t = 0; t < duration; t++) {
        on += sb_led_output(s, t);
    }
    return on;
}

static void led_says_the_most_important_thing(void **state)
{
    (void)state;
    sb_led_state s = {false, false, false, false};
    assert_int_equal(led_on_ms(&s, 8000), 0); /* idle: dark, saves power */
    s.connected = true;
    assert_int_equal(led_on_ms(&s, 8000), 60);
    s.low_battery = true;
    assert_int_equal(led_on_ms(&s, 8000), 240);
    s.pairing_open = true;
    assert_int_equal(led_on_ms(&s, 8000), 4000); /* 1 Hz blink */
    s.identify = true;
    assert_int_equal(led_on_ms(&s, 8000), 4000);
    assert_true(sb_led_output(&s, 50) && !sb_led_output(&s, 150)); /* 5 Hz */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(patterns_have_their_pulses),
        cmocka_unit_test(led_says_the_most_important_thing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
