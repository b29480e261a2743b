/* Battery: divider, LiPo curve, filter, thresholds. */
#include "sb_test.h"

#include "spineball/sb_battery.h"
#include "spineball/sb_status.h"

static void curve_end_points_and_monotonic(void **state)
{
    (void)state;
    assert_int_equal(sb_battery_cell_mv(2100), 4200); /* 2 × 100 kΩ halves the cell */
    assert_int_equal(sb_battery_percent(4250), 100);
    assert_int_equal(sb_battery_percent(4200), 100);
    assert_int_equal(sb_battery_percent(3840), 50);
    assert_int_equal(sb_battery_percent(3270), 0);
    assert_int_equal(sb_battery_percent(3000), 0);
    assert_int_equal(sb_battery_percent(4175), 98); /* between 4.15 V (95) and 4.20 V (100) */
    uint8_t previous = 0;
    for (uint16_t mv = 3000; mv <= 4300; mv++) {
        uint8_t pct = sb_battery_percent(mv);
        assert_true(pct >= previous);
        assert_true(pct <= 100);
        previous = pct;
    }
}

static void filter_damps_radio_dips(void **state)
{
    (void)state;
    sb_battery b;
    sb_battery_init(&b);
    assert_int_equal(sb_battery_level(&b), SB_BATTERY_UNKNOWN);
    assert_int_equal(sb_battery_update(&b, 3900), 3900);
    uint16_t v = sb_battery_update(&b, 3600); /* one 300 mV dip during a TX burst */
    assert_in_range(v, 3850, 3870);
    for (int i = 0; i < 100; i++) {
        v = sb_battery_update(&b, 3800);
    }
    assert_int_equal(v, 3800);
    assert_int_equal(sb_battery_level(&b), 40);
    assert_false(sb_battery_low(&b));
}

static void thresholds_and_missing_cell(void **state)
{
    (void)state;
    sb_battery b;
    sb_battery_init(&b);
    sb_battery_update(&b, 3700);
    assert_true(sb_battery_low(&b));
    assert_false(sb_battery_critical(&b));
    sb_battery_init(&b);
    sb_battery_update(&b, 3450);
    assert_true(sb_battery_critical(&b));
    sb_battery_init(&b);
    sb_battery_update(&b, 400); /* USB power, no cell on the divider */
    assert_int_equal(sb_battery_level(&b), SB_BATTERY_UNKNOWN);
    assert_false(sb_battery_low(&b));
    assert_false(sb_battery_critical(&b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(curve_end_points_and_monotonic),
        cmocka_unit_test(filter_damps_radio_dips),
        cmocka_unit_test(thresholds_and_missing_cell),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
