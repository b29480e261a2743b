/*
 * Code-size probe for the RISC-V check: calls the core's entry points the
 * ESP-IDF layer calls, so --gc-sections keeps exactly what the firmware
 * links from the core. Run under QEMU it also executes one START/sample/
 * command round as a smoke test.
 */
#include <stdio.h>

#include "spineball/sb_advert.h"
#include "spineball/sb_device.h"
#include "spineball/sb_fusion.h"
#include "spineball/sb_sensors.h"

static sb_device device;
static unsigned frames;

static void count_frame(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    (void)frame;
    frames += len > 0u;
}

static const sb_platform platform = {NULL, count_frame, NULL, NULL, NULL, NULL, NULL};

int main(void)
{
    sb_device_init(&device, &platform, 0u, 1u, false, NULL, 0u);
    sb_device_connected(&device, 0u, 247u);
    const uint8_t start[] = {SB_OP_START, 1u, SB_RATE_100HZ};
    uint8_t response[SB_CONTROL_MAX_SIZE];
    size_t n = sb_device_command(&device, 0u, start, sizeof start, response, sizeof response);

    sb_fusion fusion;
    sb_fusion_init(&fusion);
    const uint8_t mprls_reply[4] = {0x40u, 0x80u, 0x00u, 0x00u};
    const uint8_t imu_burst[SB_LSM6DSOX_BURST_SIZE] = {0};
    sb_imu_reading imu;
    sb_lsm6dsox_convert(imu_burst, &imu);
    sb_fusion_reset(&fusion, imu.accel_g);
    for (uint32_t t = 10u; t <= 1000u; t += 10u) {
        double pa;
        sb_mprls_state st = sb_mprls_decode(mprls_reply, &pa);
        sb_fusion_update(&fusion, imu.gyro_rad_s, imu.accel_g, 0.01f);
        sb_sample_in in = {pa, imu.temperature_c,
                           {fusion.q[0], fusion.q[1], fusion.q[2], fusion.q[3]},
                           st == SB_MPRLS_OK ? 0u : SB_ERROR_PRESSURE_SENSOR};
        (void)sb_device_sample(&device, t, &in);
        (void)sb_device_tick(&device, t);
        (void)sb_motion_detected(&imu);
    }
    uint8_t frame[SB_MAX_FRAME_SIZE];
    (void)sb_device_next_backfill_frame(&device, frame, sizeof frame);
    uint8_t status[SB_STATUS_SIZE];
    (void)sb_device_status_due(&device, 1000u, status);
    sb_button button;
    sb_button_init(&button, 0u, false);
    sb_device_button(&device, 0u, sb_button_update(&button, 0u, false));
    sb_device_battery(&device, sb_battery_cell_mv(1950u), false);
    const uint8_t address[6] = {0x2Bu, 0x1Au, 0xDDu, 0xCCu, 0xBBu, 0xAAu};
    char name[SB_ADV_NAME_SIZE];
    sb_adv_name_for_address(address, name);
    uint8_t adv[SB_ADV_MAX_SIZE];
    size_t adv_len = 0u;
    (void)sb_adv_encode(name, adv, &adv_len);
    printf("size probe: START -> %u-byte response, %u frames from 100 samples, %s (%u bytes); "
           "sb_device is %u bytes (ring %u)\n",
           (unsigned)n, frames, name, (unsigned)adv_len, (unsigned)sb_device_sizeof(),
           (unsigned)sizeof(sb_ring));
    return (n == 3u && frames == 20u && adv_len == 30u) ? 0 : 1;
}
