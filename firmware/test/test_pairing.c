/* Pairing window state machine (docs/protocol.md §2). */
#include "sb_test.h"

#include "spineball/sb_pairing.h"

static void boot_window_only_without_bonds(void **state)
{
    (void)state;
    sb_pairing p;
    sb_pairing_power_on(&p, 500, false);
    assert_true(sb_pairing_is_open(&p, 500));
    assert_int_equal(sb_pairing_remaining_s(&p, 500), 180);
    assert_int_equal(sb_pairing_remaining_s(&p, 500 + 179001), 1); /* rounds up */
    assert_true(sb_pairing_is_open(&p, 500 + 179999));
    assert_false(sb_pairing_is_open(&p, 500 + 180000));
    assert_int_equal(sb_pairing_remaining_s(&p, 500 + 180000), 0);
    sb_pairing_power_on(&p, 500, true);
    assert_false(sb_pairing_is_open(&p, 500));
}

static void button_command_and_completion(void **state)
{
    (void)state;
    sb_pairing p;
    sb_pairing_power_on(&p, 0, true);
    sb_pairing_button_hold(&p, 1000);
    assert_int_equal(sb_pairing_remaining_s(&p, 1000), 120);
    sb_pairing_completed(&p);
    assert_false(sb_pairing_is_open(&p, 1001));
    assert_int_equal(sb_pairing_open_for(&p, 2000, 255), 255);
    assert_int_equal(sb_pairing_open_for(&p, 2000, 600), 255); /* the field saturates */
    assert_true(sb_pairing_is_open(&p, 2000 + 599000));
    assert_int_equal(sb_pairing_open_for(&p, 3000, 0), 0);
    assert_false(sb_pairing_is_open(&p, 3000));
}

static void survives_the_millisecond_clock_wrap(void **state)
{
    (void)state;
    sb_pairing p;
    uint32_t start = 0xFFFFFFFFu - 5000u;
    sb_pairing_power_on(&p, start, false);
    assert_true(sb_pairing_is_open(&p, 100)); /* after the wrap, still open */
    assert_int_equal(sb_pairing_remaining_s(&p, 100), 175);
    assert_false(sb_pairing_is_open(&p, start + 180000u));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(boot_window_only_without_bonds),
        cmocka_unit_test(button_command_and_completion),
        cmocka_unit_test(survives_the_millisecond_clock_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
