#include "ble_server.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app_state.h"
#include "board_pins.h"
#include "esp_log.h"
#include "esp_mac.h"
#include "host/ble_hs.h"
#include "host/ble_store.h"
#include "host/util/util.h"
#include "nimble/nimble_port.h"
#include "nimble/nimble_port_freertos.h"
#include "services/gap/ble_svc_gap.h"
#include "services/gatt/ble_svc_gatt.h"
#include "spineball/sb_advert.h"
#include "spineball/sb_device.h"

/* NimBLE's NVS-backed bond store (no public header declares it). */
void ble_store_config_init(void);

static const char *TAG = "ble";

/* ------------------------------------------------------------------ UUIDs */

/* 5b1dXXXX-ba11-4c0d-8e5a-5b1dba110000, little-endian (docs/protocol.md §1.1) */
#define SB_UUID(short_lo)                                                                          \
    BLE_UUID128_INIT(0x00, 0x00, 0x11, 0xba, 0x1d, 0x5b, 0x5a, 0x8e, 0x0d, 0x4c, 0x11, 0xba,       \
                     (short_lo), 0x00, 0x1d, 0x5b)

static const ble_uuid128_t UUID_SERVICE = SB_UUID(0x01);
static const ble_uuid128_t UUID_SAMPLES = SB_UUID(0x02);
static const ble_uuid128_t UUID_CONTROL = SB_UUID(0x03);
static const ble_uuid128_t UUID_STATUS = SB_UUID(0x04);

static const ble_uuid16_t UUID_DEVICE_INFORMATION = BLE_UUID16_INIT(0x180A);
static const ble_uuid16_t UUID_MANUFACTURER = BLE_UUID16_INIT(0x2A29);
static const ble_uuid16_t UUID_MODEL = BLE_UUID16_INIT(0x2A24);
static const ble_uuid16_t UUID_SERIAL = BLE_UUID16_INIT(0x2A25);
static const ble_uuid16_t UUID_HARDWARE_REVISION = BLE_UUID16_INIT(0x2A27);
static const ble_uuid16_t UUID_FIRMWARE_REVISION = BLE_UUID16_INIT(0x2A26);
static const ble_uuid16_t UUID_BATTERY_SERVICE = BLE_UUID16_INIT(0x180F);
static const ble_uuid16_t UUID_BATTERY_LEVEL = BLE_UUID16_INIT(0x2A19);
static const ble_uuid16_t UUID_ENVIRONMENTAL_SENSING = BLE_UUID16_INIT(0x181A);
static const ble_uuid16_t UUID_PRESSURE = BLE_UUID16_INIT(0x2A6D);
static const ble_uuid16_t UUID_TEMPERATURE = BLE_UUID16_INIT(0x2A6E);

/* ------------------------------------------------------------ link state */

typedef struct {
    uint16_t handle;  /* BLE_HS_CONN_HANDLE_NONE when unconnected */
    uint16_t mtu;
    bool was_bonded;  /* the peer had a bond when it connected */
    bool trusted;     /* encrypted with a bonded LE Secure Connections key */
    bool sub_samples, sub_control, sub_status, sub_battery, sub_pressure, sub_temperature;
} link_state;

static link_state s_link = {.handle = BLE_HS_CONN_HANDLE_NONE, .mtu = 23};

static uint16_t s_samples_handle, s_control_handle, s_status_handle;
static uint16_t s_battery_handle, s_pressure_handle, s_temperature_handle;

static char s_serial[13];
static const char MANUFACTURER[] = "SpineBall";
static const char MODEL[] = "SB-1";
static const char HARDWARE_REVISION[] = SB_BOARD_NAME " rev 1";
static char s_firmware_revision[12];

/* Control responses go out after the ATT Write Response (deferred to the host's
 * event queue), in order; CLEAR_BONDS drops the link 100 ms after its answer. */
#define RESPONSE_QUEUE 4
typedef struct {
    uint8_t data[SB_CONTROL_MAX_SIZE];
    uint8_t len;
    bool disconnect_after;
} pending_response;

static pending_response s_responses[RESPONSE_QUEUE];
static unsigned s_response_head, s_response_count;
static struct ble_npl_event s_response_event;
static struct ble_npl_callout s_disconnect_callout;
static bool s_clear_bonds_done;

/* A backfill frame the controller had no buffer for, sent again on the next
 * notification-complete event instead of being lost. */
static uint8_t s_backfill_frame[SB_MAX_FRAME_SIZE];
static size_t s_backfill_len;

static unsigned s_live_dropped;

static int gap_event(struct ble_gap_event *event, void *arg);

/* ---------------------------------------------------------- notifications */

static int notify(uint16_t attr_handle, const void *data, size_t len)
{
    uint16_t conn = s_link.handle;
    if (conn == BLE_HS_CONN_HANDLE_NONE) {
        return BLE_HS_ENOTCONN;
    }
    struct os_mbuf *om = ble_hs_mbuf_from_flat(data, (uint16_t)len);
    if (om == NULL) {
        return BLE_HS_ENOMEM;
    }
    return ble_gatts_notify_custom(conn, attr_handle, om); /* consumes om */
}

static bool samples_ready(size_t len)
{
    return s_link.trusted && s_link.sub_samples && len + SB_ATT_NOTIFY_OVERHEAD <= s_link.mtu;
}

void ble_server_notify_samples(const uint8_t *frame, size_t len)
{
    if (!samples_ready(len)) {
        return; /* the ring buffer keeps the samples for a later BACKFILL */
    }
    if (notify(s_samples_handle, frame, len) != 0) {
        s_live_dropped++; /* the client sees the index gap and asks for a backfill */
        if ((s_live_dropped & 0xFFu) == 1u) {
            ESP_LOGW(TAG, "live frame dropped (%u so far): no notification buffer", s_live_dropped);
        }
    }
}

void ble_server_notify_status(const uint8_t *status, size_t len)
{
    if (s_link.sub_status) {
        (void)notify(s_status_handle, status, len);
    }
}

void ble_server_notify_battery(uint8_t percent)
{
    if (s_link.sub_battery) {
        (void)notify(s_battery_handle, &percent, 1);
    }
}

/* GATT formats: Pressure u32 in 0.1 Pa, Temperature i16 in 0.01 °C (0x8000 unknown). */
static bool pressure_value(double pressure_pa, uint8_t out[4])
{
    if (isnan(pressure_pa)) {
        return false;
    }
    uint32_t deci_pa = (uint32_t)lround(pressure_pa * 10.0);
    for (int i = 0; i < 4; i++) {
        out[i] = (uint8_t)(deci_pa >> (8 * i));
    }
    return true;
}

static void temperature_value(double temperature_c, uint8_t out[2])
{
    uint16_t raw = isnan(temperature_c) ? 0x8000u : (uint16_t)(int16_t)lround(temperature_c * 100.0);
    out[0] = (uint8_t)(raw & 0xFFu);
    out[1] = (uint8_t)(raw >> 8);
}

void ble_server_notify_environment(double pressure_pa, double temperature_c)
{
    if (!s_link.trusted) {
        return;
    }
    uint8_t pressure[4];
    if (s_link.sub_pressure && pressure_value(pressure_pa, pressure)) {
        (void)notify(s_pressure_handle, pressure, sizeof pressure);
    }
    if (s_link.sub_temperature) {
        uint8_t temperature[2];
        temperature_value(temperature_c, temperature);
        (void)notify(s_temperature_handle, temperature, sizeof temperature);
    }
}

/* Send backfill frames while the controller has buffers; resumes on NOTIFY_TX. */
static void pump_backfill(void)
{
    for (int sent = 0; sent < 4; sent++) {
        if (s_backfill_len == 0) {
            sb_device *d = app_lock();
            s_backfill_len = sb_device_next_backfill_frame(d, s_backfill_frame, sizeof s_backfill_frame);
            app_unlock();
            if (s_backfill_len == 0) {
                return;
            }
        }
        if (!samples_ready(s_backfill_len)) {
            s_backfill_len = 0; /* the link went away; the client asks again */
            return;
        }
        if (notify(s_samples_handle, s_backfill_frame, s_backfill_len) != 0) {
            return; /* no buffer: keep the frame, retry on the next NOTIFY_TX */
        }
        s_backfill_len = 0;
    }
}

/* -------------------------------------------------------- control writes */

static void send_responses(struct ble_npl_event *ev)
{
    (void)ev;
    while (s_response_count > 0) {
        pending_response *r = &s_responses[s_response_head];
        if (s_link.trusted && s_link.sub_control) {
            int rc = notify(s_control_handle, r->data, r->len);
            if (rc != 0) {
                ESP_LOGW(TAG, "control response not sent: %d", rc);
            }
        }
        if (r->disconnect_after) {
            int rc = ble_npl_callout_reset(&s_disconnect_callout, ble_npl_time_ms_to_ticks32(100));
            if (rc != 0) {
                ESP_LOGE(TAG, "disconnect timer: %d", rc);
            }
        }
        s_response_head = (s_response_head + 1) % RESPONSE_QUEUE;
        s_response_count--;
    }
    pump_backfill();
}

static void disconnect_now(struct ble_npl_event *ev)
{
    (void)ev;
    if (s_link.handle != BLE_HS_CONN_HANDLE_NONE) {
        int rc = ble_gap_terminate(s_link.handle, BLE_ERR_REM_USER_CONN_TERM);
        if (rc != 0) {
            ESP_LOGW(TAG, "terminate after CLEAR_BONDS: %d", rc);
        }
    }
}

static bool trusted(uint16_t conn)
{
    return conn == s_link.handle && s_link.trusted;
}

static int control_access(uint16_t conn, uint16_t attr, struct ble_gatt_access_ctxt *ctxt, void *arg)
{
    (void)attr;
    (void)arg;
    if (ctxt->op != BLE_GATT_ACCESS_OP_WRITE_CHR) {
        return BLE_ATT_ERR_UNLIKELY;
    }
    if (!trusted(conn)) {
        return BLE_ATT_ERR_INSUFFICIENT_ENC;
    }
    uint16_t len = OS_MBUF_PKTLEN(ctxt->om);
    if (len < 2) {
        return BLE_ATT_ERR_INVALID_ATTR_VALUE_LEN; /* §4: no response to this */
    }
    if (s_response_count == RESPONSE_QUEUE) {
        return BLE_ATT_ERR_INSUFFICIENT_RES; /* the client is not waiting for its answers */
    }
    /* Longer than any command: the first bytes still get a BAD_LENGTH/UNKNOWN answer. */
    uint8_t command[SB_CONTROL_MAX_SIZE + 1];
    uint16_t copy = len < sizeof command ? len : (uint16_t)sizeof command;
    if (os_mbuf_copydata(ctxt->om, 0, copy, command) != 0) {
        return BLE_ATT_ERR_UNLIKELY;
    }
    pending_response *r = &s_responses[(s_response_head + s_response_count) % RESPONSE_QUEUE];
    s_clear_bonds_done = false;
    sb_device *d = app_lock();
    size_t n = sb_device_command(d, app_now_ms(), command, copy, r->data, sizeof r->data);
    app_unlock();
    if (n == 0) {
        return BLE_ATT_ERR_UNLIKELY;
    }
    r->len = (uint8_t)n;
    r->disconnect_after = s_clear_bonds_done;
    s_response_count++;
    ble_npl_eventq_put(nimble_port_get_dflt_eventq(), &s_response_event);
    return 0;
}

/* ------------------------------------------------------------ other reads */

static int append(struct os_mbuf *om, const void *data, size_t len)
{
    return os_mbuf_append(om, data, (uint16_t)len) == 0 ? 0 : BLE_ATT_ERR_INSUFFICIENT_RES;
}

static int samples_access(uint16_t conn, uint16_t attr, struct ble_gatt_access_ctxt *ctxt, void *arg)
{
    (void)conn;
    (void)attr;
    (void)ctxt;
    (void)arg;
    return BLE_ATT_ERR_READ_NOT_PERMITTED; /* notify only */
}

static int status_access(uint16_t conn, uint16_t attr, struct ble_gatt_access_ctxt *ctxt, void *arg)
{
    (void)conn;
    (void)attr;
    (void)arg;
    if (ctxt->op != BLE_GATT_ACCESS_OP_READ_CHR) {
        return BLE_ATT_ERR_UNLIKELY;
    }
    sb_status status;
    uint8_t out[SB_STATUS_SIZE];
    sb_device *d = app_lock();
    sb_device_status(d, app_now_ms(), &status);
    app_unlock();
    if (sb_status_encode(&status, out) != SB_OK) {
        return BLE_ATT_ERR_UNLIKELY;
    }
    return append(ctxt->om, out, sizeof out);
}

static int battery_access(uint16_t conn, uint16_t attr, struct ble_gatt_access_ctxt *ctxt, void *arg)
{
    (void)conn;
    (void)attr;
    (void)arg;
    sb_device *d = app_lock();
    uint8_t level = sb_device_battery_level(d);
    app_unlock();
    if (level == SB_BATTERY_UNKNOWN) {
        level = 0; /* Battery Level is 0–100: no cell on the divider reads 0 % */
    }
    return append(ctxt->om, &level, 1);
}

static int environment_access(uint16_t conn, uint16_t attr, struct ble_gatt_access_ctxt *ctxt,
                              void *arg)
{
    (void)arg;
    if (!trusted(conn)) {
        return BLE_ATT_ERR_INSUFFICIENT_ENC;
    }
    sb_device *d = app_lock();
    double pressure = sb_device_latest_pressure_pa(d);
    double temperature = sb_device_latest_temperature_c(d);
    app_unlock();
    if (attr == s_pressure_handle) {
        uint8_t value[4];
        if (!pressure_value(pressure, value)) {
            return BLE_ATT_ERR_UNLIKELY; /* no valid reading yet (sensor fault) */
        }
        return append(ctxt->om, value, sizeof value);
    }
    uint8_t value[2];
    temperature_value(temperature, value);
    return append(ctxt->om, value, sizeof value);
}

static int text_access(uint16_t conn, uint16_t attr, struct ble_gatt_access_ctxt *ctxt, void *arg)
{
    (void)conn;
    (void)attr;
    const char *text = arg;
    return append(ctxt->om, text, strlen(text));
}

/* ------------------------------------------------------ the one GATT table */

static const struct ble_gatt_svc_def s_services[] = {
    {
        .type = BLE_GATT_SVC_TYPE_PRIMARY,
        .uuid = &UUID_SERVICE.u,
        .characteristics =
            (struct ble_gatt_chr_def[]){
                {
                    /* encrypted link required: enforced per connection (trusted) */
                    .uuid = &UUID_SAMPLES.u,
                    .access_cb = samples_access,
                    .flags = BLE_GATT_CHR_F_NOTIFY,
                    .val_handle = &s_samples_handle,
                },
                {
                    .uuid = &UUID_CONTROL.u,
                    .access_cb = control_access,
                    .flags = BLE_GATT_CHR_F_WRITE | BLE_GATT_CHR_F_WRITE_ENC | BLE_GATT_CHR_F_NOTIFY,
                    .val_handle = &s_control_handle,
                },
                {
                    .uuid = &UUID_STATUS.u,
                    .access_cb = status_access,
                    .flags = BLE_GATT_CHR_F_READ | BLE_GATT_CHR_F_NOTIFY,
                    .val_handle = &s_status_handle,
                },
                {0},
            },
    },
    {
        .type = BLE_GATT_SVC_TYPE_PRIMARY,
        .uuid = &UUID_DEVICE_INFORMATION.u,
        .characteristics =
            (struct ble_gatt_chr_def[]){
                {.uuid = &UUID_MANUFACTURER.u, .access_cb = text_access, .arg = (void *)MANUFACTURER,
                 .flags = BLE_GATT_CHR_F_READ},
                {.uuid = &UUID_MODEL.u, .access_cb = text_access, .arg = (void *)MODEL,
                 .flags = BLE_GATT_CHR_F_READ},
                {.uuid = &UUID_SERIAL.u, .access_cb = text_access, .arg = s_serial,
                 .flags = BLE_GATT_CHR_F_READ},
                {.uuid = &UUID_HARDWARE_REVISION.u, .access_cb = text_access,
                 .arg = (void *)HARDWARE_REVISION, .flags = BLE_GATT_CHR_F_READ},
                {.uuid = &UUID_FIRMWARE_REVISION.u, .access_cb = text_access,
                 .arg = s_firmware_revision, .flags = BLE_GATT_CHR_F_READ},
                {0},
            },
    },
    {
        .type = BLE_GATT_SVC_TYPE_PRIMARY,
        .uuid = &UUID_BATTERY_SERVICE.u,
        .characteristics =
            (struct ble_gatt_chr_def[]){
                {.uuid = &UUID_BATTERY_LEVEL.u, .access_cb = battery_access,
                 .flags = BLE_GATT_CHR_F_READ | BLE_GATT_CHR_F_NOTIFY,
                 .val_handle = &s_battery_handle},
                {0},
            },
    },
    {
        .type = BLE_GATT_SVC_TYPE_PRIMARY,
        .uuid = &UUID_ENVIRONMENTAL_SENSING.u,
        .characteristics =
            (struct ble_gatt_chr_def[]){
                {.uuid = &UUID_PRESSURE.u, .access_cb = environment_access,
                 .flags = BLE_GATT_CHR_F_READ | BLE_GATT_CHR_F_READ_ENC | BLE_GATT_CHR_F_NOTIFY,
                 .val_handle = &s_pressure_handle},
                {.uuid = &UUID_TEMPERATURE.u, .access_cb = environment_access,
                 .flags = BLE_GATT_CHR_F_READ | BLE_GATT_CHR_F_READ_ENC | BLE_GATT_CHR_F_NOTIFY,
                 .val_handle = &s_temperature_handle},
                {0},
            },
    },
    {0},
};

/* --------------------------------------------------------------- pairing */

void ble_server_set_pairing_allowed(bool allowed)
{
    /*
     * NimBLE has no hook to answer a Pairing Request with "Pairing Not
     * Supported", so outside the window the ball does not offer bonding: a
     * pairing then yields an unbonded link, which on_encryption() drops and
     * which never gets access (trusted needs a bond).
     */
    ble_hs_cfg.sm_bonding = allowed ? 1 : 0;
}

esp_err_t ble_server_clear_bonds(void)
{
    int rc = ble_store_clear();
    if (rc != 0) {
        ESP_LOGE(TAG, "ble_store_clear: %d", rc);
        return ESP_FAIL;
    }
    s_clear_bonds_done = true;
    ESP_LOGI(TAG, "all bonds deleted");
    return ESP_OK;
}

static bool peer_has_bond(const ble_addr_t *peer)
{
    struct ble_store_key_sec key;
    struct ble_store_value_sec value;
    memset(&key, 0, sizeof key);
    key.peer_addr = *peer;
    return ble_store_read_peer_sec(&key, &value) == 0;
}

static void on_encryption(uint16_t conn, int status)
{
    struct ble_gap_conn_desc desc;
    if (status != 0 || ble_gap_conn_find(conn, &desc) != 0) {
        ESP_LOGW(TAG, "encryption failed: %d", status);
        return;
    }
    if (!desc.sec_state.encrypted) {
        return;
    }
    if (!desc.sec_state.bonded) {
        ESP_LOGW(TAG, "pairing outside the pairing window: dropping the link");
        int rc = ble_gap_terminate(conn, BLE_ERR_AUTH_FAIL);
        if (rc != 0) {
            ESP_LOGE(TAG, "ble_gap_terminate: %d", rc);
        }
        return;
    }
    s_link.trusted = true;
    sb_device *d = app_lock();
    if (!s_link.was_bonded) {
        sb_device_bond_added(d); /* a new bond: the pairing window closes */
    } else {
        sb_device_set_has_bonds(d, true);
    }
    app_unlock();
    ESP_LOGI(TAG, "link encrypted with a %s bond", s_link.was_bonded ? "stored" : "new");
}

static int on_repeat_pairing(const struct ble_gap_repeat_pairing *rp)
{
    /* A bonded central lost its keys and pairs again: allowed only in the window. */
    sb_device *d = app_lock();
    bool allowed = sb_device_pairing_allowed(d, app_now_ms());
    app_unlock();
    if (!allowed) {
        return BLE_GAP_REPEAT_PAIRING_IGNORE;
    }
    struct ble_gap_conn_desc desc;
    if (ble_gap_conn_find(rp->conn_handle, &desc) == 0) {
        int rc = ble_store_util_delete_peer(&desc.peer_id_addr);
        if (rc != 0) {
            ESP_LOGE(TAG, "deleting the old bond: %d", rc);
        }
    }
    return BLE_GAP_REPEAT_PAIRING_RETRY;
}

/* ------------------------------------------------------------------- GAP */

static void start_advertising(void)
{
    struct ble_gap_adv_params params;
    memset(&params, 0, sizeof params);
    params.conn_mode = BLE_GAP_CONN_MODE_UND;
    params.disc_mode = BLE_GAP_DISC_MODE_GEN;
    params.itvl_min = BLE_GAP_ADV_ITVL_MS(100); /* §1.3: 100–200 ms while unconnected */
    params.itvl_max = BLE_GAP_ADV_ITVL_MS(200);
    int rc = ble_gap_adv_start(BLE_OWN_ADDR_RANDOM, NULL, BLE_HS_FOREVER, &params, gap_event, NULL);
    if (rc != 0 && rc != BLE_HS_EALREADY) {
        ESP_LOGE(TAG, "ble_gap_adv_start: %d", rc);
    }
}

static void on_connect(uint16_t conn)
{
    struct ble_gap_conn_desc desc;
    int rc = ble_gap_conn_find(conn, &desc);
    if (rc != 0) {
        ESP_LOGE(TAG, "ble_gap_conn_find: %d", rc);
        return;
    }
    memset(&s_link, 0, sizeof s_link);
    s_link.handle = conn;
    s_link.mtu = 23;
    s_link.was_bonded = peer_has_bond(&desc.peer_id_addr);
    s_backfill_len = 0;
    sb_device *d = app_lock();
    sb_device_connected(d, app_now_ms(), s_link.mtu);
    app_unlock();

    /* 15–30 ms: ≤ 2 connection events per 50 ms frame at any rate. */
    const struct ble_gap_upd_params params = {
        .itvl_min = BLE_GAP_CONN_ITVL_MS(15),
        .itvl_max = BLE_GAP_CONN_ITVL_MS(30),
        .latency = 0,
        .supervision_timeout = BLE_GAP_SUPERVISION_TIMEOUT_MS(4000),
        .min_ce_len = 0,
        .max_ce_len = 0,
    };
    rc = ble_gap_update_params(conn, &params);
    if (rc != 0) {
        ESP_LOGW(TAG, "connection parameter request: %d", rc);
    }
#if CONFIG_BT_NIMBLE_50_FEATURE_SUPPORT
    rc = ble_gap_set_prefered_le_phy(conn, BLE_GAP_LE_PHY_2M_MASK | BLE_GAP_LE_PHY_1M_MASK,
                                     BLE_GAP_LE_PHY_2M_MASK | BLE_GAP_LE_PHY_1M_MASK,
                                     BLE_GAP_LE_PHY_CODED_ANY);
    if (rc != 0) {
        ESP_LOGW(TAG, "2M PHY request: %d (staying on 1M)", rc);
    }
#endif
    rc = ble_gattc_exchange_mtu(conn, NULL, NULL);
    if (rc != 0) {
        ESP_LOGW(TAG, "MTU exchange: %d", rc);
    }
    ESP_LOGI(TAG, "connected (%s peer)", s_link.was_bonded ? "bonded" : "new");
}

static void on_disconnect(int reason)
{
    ESP_LOGI(TAG, "disconnected: 0x%x", reason);
    memset(&s_link, 0, sizeof s_link);
    s_link.handle = BLE_HS_CONN_HANDLE_NONE;
    s_link.mtu = 23;
    s_backfill_len = 0;
    sb_device *d = app_lock();
    sb_device_disconnected(d, app_now_ms());
    app_unlock();
}

static void on_subscribe(const struct ble_gap_event *event)
{
    uint16_t attr = event->subscribe.attr_handle;
    bool on = event->subscribe.cur_notify != 0;
    if (attr == s_samples_handle) {
        s_link.sub_samples = on;
    } else if (attr == s_control_handle) {
        s_link.sub_control = on;
    } else if (attr == s_status_handle) {
        s_link.sub_status = on;
        if (on) {
            sb_device *d = app_lock();
            d->status_sent = false; /* a new subscriber gets a Status at once */
            app_unlock();
        }
    } else if (attr == s_battery_handle) {
        s_link.sub_battery = on;
    } else if (attr == s_pressure_handle) {
        s_link.sub_pressure = on;
    } else if (attr == s_temperature_handle) {
        s_link.sub_temperature = on;
    }
    if (on && !s_link.trusted &&
        (attr == s_samples_handle || attr == s_control_handle || attr == s_pressure_handle ||
         attr == s_temperature_handle)) {
        /* Nothing is sent on these until the link is encrypted with a bond:
         * ask a bonded central to encrypt now (Security Request). */
        int rc = ble_gap_security_initiate(event->subscribe.conn_handle);
        if (rc != 0 && rc != BLE_HS_EALREADY) {
            ESP_LOGW(TAG, "security request: %d", rc);
        }
    }
}

static int gap_event(struct ble_gap_event *event, void *arg)
{
    (void)arg;
    switch (event->type) {
    case BLE_GAP_EVENT_CONNECT:
        if (event->connect.status == 0) {
            on_connect(event->connect.conn_handle);
        } else {
            start_advertising();
        }
        return 0;
    case BLE_GAP_EVENT_DISCONNECT:
        on_disconnect(event->disconnect.reason);
        start_advertising();
        return 0;
    case BLE_GAP_EVENT_ADV_COMPLETE:
        start_advertising();
        return 0;
    case BLE_GAP_EVENT_ENC_CHANGE:
        on_encryption(event->enc_change.conn_handle, event->enc_change.status);
        return 0;
    case BLE_GAP_EVENT_REPEAT_PAIRING:
        return on_repeat_pairing(&event->repeat_pairing);
    case BLE_GAP_EVENT_SUBSCRIBE:
        on_subscribe(event);
        return 0;
    case BLE_GAP_EVENT_MTU: {
        s_link.mtu = event->mtu.value;
        sb_device *d = app_lock();
        sb_device_set_mtu(d, event->mtu.value);
        app_unlock();
        ESP_LOGI(TAG, "ATT MTU %u", event->mtu.value);
        return 0;
    }
    case BLE_GAP_EVENT_NOTIFY_TX:
        if (event->notify_tx.attr_handle == s_samples_handle) {
            pump_backfill();
        }
        return 0;
    case BLE_GAP_EVENT_CONN_UPDATE:
        ESP_LOGI(TAG, "connection update: %d", event->conn_update.status);
        return 0;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------ host setup */

static void on_sync(void)
{
    /* A static random identity address derived from the chip's MAC: stable
     * across reboots, so bonds and the SB-XXXX name stay the same (§2). */
    uint8_t mac[6];
    esp_err_t err = esp_read_mac(mac, ESP_MAC_BT);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_read_mac: %s", esp_err_to_name(err));
        return;
    }
    ble_addr_t addr = {.type = BLE_ADDR_RANDOM};
    for (int i = 0; i < 6; i++) {
        addr.val[i] = mac[5 - i];
    }
    addr.val[5] |= 0xC0; /* static random: the two top bits set */
    int rc = ble_hs_id_set_rnd(addr.val);
    if (rc != 0) {
        ESP_LOGE(TAG, "ble_hs_id_set_rnd: %d", rc);
        return;
    }
    snprintf(s_serial, sizeof s_serial, "%02X%02X%02X%02X%02X%02X", addr.val[5], addr.val[4],
             addr.val[3], addr.val[2], addr.val[1], addr.val[0]);
    char name[SB_ADV_NAME_SIZE];
    sb_adv_name_for_address(addr.val, name);
    rc = ble_svc_gap_device_name_set(name);
    if (rc != 0) {
        ESP_LOGE(TAG, "ble_svc_gap_device_name_set: %d", rc);
    }
    uint8_t adv[SB_ADV_MAX_SIZE];
    size_t adv_len = 0;
    if (sb_adv_encode(name, adv, &adv_len) != SB_OK) {
        ESP_LOGE(TAG, "advertisement does not fit");
        return;
    }
    rc = ble_gap_adv_set_data(adv, (int)adv_len);
    if (rc != 0) {
        ESP_LOGE(TAG, "ble_gap_adv_set_data: %d", rc);
        return;
    }
    ESP_LOGI(TAG, "advertising as %s (%u bytes)", name, (unsigned)adv_len);
    start_advertising();
}

static void on_reset(int reason)
{
    ESP_LOGE(TAG, "host reset: %d", reason);
}

static void on_register(struct ble_gatt_register_ctxt *ctxt, void *arg)
{
    (void)arg;
    if (ctxt->op == BLE_GATT_REGISTER_OP_CHR) {
        char uuid[BLE_UUID_STR_LEN];
        ESP_LOGD(TAG, "characteristic %s value handle %d", ble_uuid_to_str(ctxt->chr.chr_def->uuid, uuid),
                 ctxt->chr.val_handle);
    }
}

static void host_task(void *param)
{
    (void)param;
    nimble_port_run(); /* returns only after nimble_port_stop() */
    nimble_port_freertos_deinit();
}

esp_err_t ble_server_init(bool *has_bonds)
{
    if (memcmp(UUID_SERVICE.value, SB_SERVICE_UUID_LE, 16) != 0) {
        ESP_LOGE(TAG, "service UUID differs from the core's");
        return ESP_ERR_INVALID_STATE;
    }
    snprintf(s_firmware_revision, sizeof s_firmware_revision, "%u.%u.%u", SB_FIRMWARE_MAJOR,
             SB_FIRMWARE_MINOR, SB_FIRMWARE_PATCH);

    ble_hs_cfg.reset_cb = on_reset;
    ble_hs_cfg.sync_cb = on_sync;
    ble_hs_cfg.gatts_register_cb = on_register;
    /* A fifth central evicts the least recently used bond (§2: up to 4). */
    ble_hs_cfg.store_status_cb = ble_store_util_status_rr;
    /* LE Secure Connections, Just Works (no display, no keyboard). */
    ble_hs_cfg.sm_io_cap = BLE_SM_IO_CAP_NO_IO;
    ble_hs_cfg.sm_bonding = 0; /* the pairing window turns it on */
    ble_hs_cfg.sm_mitm = 0;
    ble_hs_cfg.sm_sc = 1;
    ble_hs_cfg.sm_our_key_dist = BLE_SM_PAIR_KEY_DIST_ENC | BLE_SM_PAIR_KEY_DIST_ID;
    ble_hs_cfg.sm_their_key_dist = BLE_SM_PAIR_KEY_DIST_ENC | BLE_SM_PAIR_KEY_DIST_ID;

    ble_svc_gap_init();
    ble_svc_gatt_init();
    int rc = ble_gatts_count_cfg(s_services);
    if (rc != 0) {
        ESP_LOGE(TAG, "ble_gatts_count_cfg: %d", rc);
        return ESP_FAIL;
    }
    rc = ble_gatts_add_svcs(s_services);
    if (rc != 0) {
        ESP_LOGE(TAG, "ble_gatts_add_svcs: %d", rc);
        return ESP_FAIL;
    }
    ble_store_config_init();

    ble_npl_event_init(&s_response_event, send_responses, NULL);
    ble_npl_callout_init(&s_disconnect_callout, nimble_port_get_dflt_eventq(), disconnect_now, NULL);

    int bonds = 0;
    rc = ble_store_util_count(BLE_STORE_OBJ_TYPE_OUR_SEC, &bonds);
    if (rc != 0) {
        ESP_LOGE(TAG, "counting bonds: %d", rc);
        return ESP_FAIL;
    }
    *has_bonds = bonds > 0;
    ESP_LOGI(TAG, "%d bond(s) in NVS", bonds);
    return ESP_OK;
}

esp_err_t ble_server_start(void)
{
    nimble_port_freertos_init(host_task);
    return ESP_OK;
}

void ble_server_stop(void)
{
    int rc = ble_gap_adv_stop();
    if (rc != 0 && rc != BLE_HS_EALREADY) {
        ESP_LOGW(TAG, "ble_gap_adv_stop: %d", rc);
    }
    if (s_link.handle != BLE_HS_CONN_HANDLE_NONE) {
        rc = ble_gap_terminate(s_link.handle, BLE_ERR_REM_USER_CONN_TERM);
        if (rc != 0) {
            ESP_LOGW(TAG, "ble_gap_terminate: %d", rc);
        }
    }
}
