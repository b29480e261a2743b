/*
 * The ball's behaviour, independent of the radio and the sensors: sampling
 * into the ring buffer and live frames, every Control command with its
 * result code (docs/protocol.md §4), backfill, pairing window, Status,
 * calibration points, LED/motor, and when to sleep. The ESP-IDF layer feeds
 * it samples, writes and clock ticks and carries out what it asks for
 * through `sb_platform`; the host tests drive the same code directly.
 */
#ifndef SPINEBALL_SB_DEVICE_H
#define SPINEBALL_SB_DEVICE_H

#include "spineball/sb_batcher.h"
#include "spineball/sb_battery.h"
#include "spineball/sb_button.h"
#include "spineball/sb_cal.h"
#include "spineball/sb_command.h"
#include "spineball/sb_pairing.h"
#include "spineball/sb_ring.h"
#include "spineball/sb_signal.h"
#include "spineball/sb_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SB_FIRMWARE_MAJOR 1u
#define SB_FIRMWARE_MINOR 1u /* BUZZ exists from 1.1 (§4.1) */
#define SB_FIRMWARE_PATCH 0u

#define SB_STATUS_REFRESH_MS 5000u    /* §5: notify at least every 5 s */
#define SB_TARE_WINDOW_MS 500u        /* rest pressure: mean of the last 0.5 s */
#define SB_IDLE_SLEEP_MS (10u * 60u * 1000u) /* deep sleep: no link, no motion */
#define SB_SHORT_PRESS_IDENTIFY_S 2u  /* a short press shows the ball is awake */
/* OVER_PRESSURE above 50 kPa gauge (domain notes: loaded ≤ 50 kPa), against
 * the standard atmosphere since the sensor sits inside the ball. */
#define SB_AMBIENT_PA 101325.0
#define SB_OVER_PRESSURE_GAUGE_PA 50000.0
/* The MPRLS is compensated for 0 … 50 °C (datasheet); outside, say so. */
#define SB_TEMPERATURE_MIN_C 0.0
#define SB_TEMPERATURE_MAX_C 50.0

/* What the radio/sensor layer does on the core's behalf. Any hook may be NULL. */
typedef struct {
    void *ctx;
    /* A live or backfill frame for the Samples characteristic. */
    void (*emit_frame)(void *ctx, const uint8_t *frame, size_t len);
    /* Persist the calibration blob; false when flash could not be written. */
    bool (*store_calibration)(void *ctx, const uint8_t blob[SB_CAL_BLOB_SIZE]);
    /* Delete every bond; false on a flash error. The link drops 100 ms after
     * the response (the ESP layer schedules that). */
    bool (*clear_bonds)(void *ctx);
    /* START: re-level the orientation (heading reset) before index 0. */
    void (*begin_run)(void *ctx);
    /* The sample timer's rate changed (START, SET_RATE). */
    void (*rate_changed)(void *ctx, sb_rate rate);
    /* TARE: re-estimate the gyro bias over the next second (ball still). */
    void (*tare_gyro)(void *ctx);
} sb_platform;

/* One sample in physical units, as the sensor layer measured it. */
typedef struct {
    double pressure_pa;   /* absolute; NaN = no valid reading */
    double temperature_c; /* NaN = no reading */
    double q[4];          /* sensor → world, w-x-y-z */
    uint16_t faults;      /* SB_ERROR_PRESSURE_SENSOR | _IMU | _PRESSURE_SATURATED */
} sb_sample_in;

typedef struct {
    bool led;
    bool motor;
} sb_outputs;

typedef struct {
    sb_ring ring;
    sb_batcher batcher;
    sb_backfill backfill;
    sb_pairing pairing;
    sb_cal_table cal;
    sb_buzz buzz;
    sb_battery battery;
    const sb_platform *platform;
    bool streaming;
    bool connected;
    bool has_bonds;
    bool charging;
    uint8_t rate;
    uint16_t mtu;
    uint16_t run_id;
    uint16_t sample_faults;  /* of the latest sample */
    uint16_t sticky_errors;  /* STORAGE, BATTERY_CRITICAL */
    uint32_t identify_until_ms;
    uint32_t last_activity_ms;
    uint32_t last_pressure_raw;
    int16_t last_temperature_raw;
    /* Status notification bookkeeping */
    bool status_sent;
    uint8_t sent_flags;
    uint8_t sent_battery;
    uint8_t sent_rate;
    uint16_t sent_errors;
    uint32_t status_sent_ms;
} sb_device;

/* sizeof(sb_device), for callers that allocate it (the Python tests). */
size_t sb_device_sizeof(void);

/* Power-on. `run_id` should be random so a reboot is noticed; `cal_blob`
 * is the stored calibration (NULL or invalid → empty slots). */
void sb_device_init(sb_device *d, const sb_platform *platform, uint32_t now_ms, uint16_t run_id,
                    bool has_bonds, const uint8_t *cal_blob, size_t cal_len);

/* A sample measured now. Ignored (returns false) unless streaming. */
bool sb_device_sample(sb_device *d, uint32_t now_ms, const sb_sample_in *in);

/*
 * Handle a Control write; writes the response into `out` and returns its
 * length. Returns 0 for a write shorter than 2 bytes: the ATT layer refuses
 * it with 0x0D and no response is sent (§4).
 */
size_t sb_device_command(sb_device *d, uint32_t now_ms, const uint8_t *data, size_t len,
                         uint8_t *out, size_t cap);

/* The next BACKFILL frame while a backfill runs (0 = none now). */
size_t sb_device_next_backfill_frame(sb_device *d, uint8_t *out, size_t cap);

/* Link events. */
void sb_device_connected(sb_device *d, uint32_t now_ms, uint16_t mtu);
void sb_device_set_mtu(sb_device *d, uint16_t mtu);
void sb_device_disconnected(sb_device *d, uint32_t now_ms);

/* Pairing: may a central pair now? A new bond was stored. */
bool sb_device_pairing_allowed(sb_device *d, uint32_t now_ms);
void sb_device_bond_added(sb_device *d);
void sb_device_set_has_bonds(sb_device *d, bool has_bonds);

/* Button and motion (motion keeps the ball awake). */
void sb_device_button(sb_device *d, uint32_t now_ms, sb_button_event event);
void sb_device_motion(sb_device *d, uint32_t now_ms);

/* Battery: a cell-voltage reading (every few seconds) and the charger state. */
void sb_device_battery(sb_device *d, uint16_t cell_mv, bool charging);
uint8_t sb_device_battery_level(const sb_device *d);

/* Storage fault seen by the platform outside a command (e.g. at boot). */
void sb_device_storage_fault(sb_device *d);

/* The current Status (§5). */
void sb_device_status(sb_device *d, uint32_t now_ms, sb_status *status);

/* A Status notification when one is due (a change of flags, errors, rate or
 * battery, or 5 s since the last): writes 20 bytes and returns true. */
bool sb_device_status_due(sb_device *d, uint32_t now_ms, uint8_t out[SB_STATUS_SIZE]);

/* LED and motor right now; call from a periodic tick (≈ 20 ms). */
sb_outputs sb_device_tick(sb_device *d, uint32_t now_ms);

/* Time for deep sleep: no link and no motion for 10 min, or a critical battery. */
bool sb_device_should_sleep(const sb_device *d, uint32_t now_ms);

/* Latest valid readings for the Environmental Sensing summary (NaN if none). */
double sb_device_latest_pressure_pa(const sb_device *d);
double sb_device_latest_temperature_c(const sb_device *d);

#ifdef __cplusplus
}
#endif

#endif /* SPINEBALL_SB_DEVICE_H */
