/* Button: debounce, short press, 3 s hold. */
#include "sb_test.h"

#include "spineball/sb_button.h"

static sb_button_event run(sb_button *b, uint32_t from, uint32_t to, bool pressed, unsigned *holds,
                           unsigned *shorts)
{
    sb_button_event last = SB_BUTTON_NONE;
    for (uint32_t t = from; t < to; t += 5) {
        sb_button_event e = sb_button_update(b, t, pressed);
        *holds += e == SB_BUTTON_HOLD;
        *shorts += e == SB_BUTTON_SHORT_PRESS;
        if (e != SB_BUTTON_NONE) {
            last = e;
        }
    }
    return last;
}

static void short_press_and_bounce(void **state)
{
    (void)state;
    sb_button b;
    unsigned holds = 0, shorts = 0;
    sb_button_init(&b, 0, false);
    /* contact bounce shorter than 30 ms is ignored */
    run(&b, 0, 20, true, &holds, &shorts);
    run(&b, 20, 100, false, &holds, &shorts);
    assert_int_equal(shorts + holds, 0);
    run(&b, 100, 400, true, &holds, &shorts);
    run(&b, 400, 500, false, &holds, &shorts);
    assert_int_equal(shorts, 1);
    assert_int_equal(holds, 0);
}

static void hold_reported_once_at_3_s(void **state)
{
    (void)state;
    sb_button b;
    unsigned holds = 0, shorts = 0;
    sb_button_init(&b, 0, false);
    run(&b, 0, 2990, true, &holds, &shorts);
    assert_int_equal(holds, 0);
    run(&b, 2990, 6000, true, &holds, &shorts);
    assert_int_equal(holds, 1);
    run(&b, 6000, 6100, false, &holds, &shorts);
    assert_int_equal(shorts, 0); /* releasing after a hold is not a press */
}

static void held_at_power_on_is_not_a_press(void **state)
{
    (void)state;
    sb_button b;
    unsigned holds = 0, shorts = 0;
    sb_button_init(&b, 0, true); /* the press that woke the ball */
    run(&b, 0, 5000, true, &holds, &shorts);
    run(&b, 5000, 5100, false, &holds, &shorts);
    assert_int_equal(holds + shorts, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_press_and_bounce),
        cmocka_unit_test(hold_reported_once_at_3_s),
        cmocka_unit_test(held_at_power_on_is_not_a_press),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
