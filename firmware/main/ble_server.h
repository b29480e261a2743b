/*
 * NimBLE GATT server of the SpineBall profile (docs/protocol.md §1–2):
 * SpineBall service (Samples, Control, Status), Device Information, Battery
 * and Environmental Sensing; the 31-byte advertisement; LE Secure
 * Connections bonding gated by the pairing window.
 */
#ifndef SPINEBALL_BLE_SERVER_H
#define SPINEBALL_BLE_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"

/*
 * Configure the host (security, store, GATT table). Call after
 * nimble_port_init() and before ble_server_start(); *has_bonds tells
 * whether NVS holds any bond (the power-on pairing window needs it).
 */
esp_err_t ble_server_init(bool *has_bonds);

/* Start the host task; advertising begins when the host syncs. */
esp_err_t ble_server_start(void);

/* Stop advertising / drop the link before deep sleep. */
void ble_server_stop(void);

/* Notifications (no-ops without an encrypted, subscribed client). */
void ble_server_notify_samples(const uint8_t *frame, size_t len);
void ble_server_notify_status(const uint8_t *status, size_t len);
void ble_server_notify_battery(uint8_t percent);
void ble_server_notify_environment(double pressure_pa, double temperature_c);

/* Whether a new pairing may create a bond now (the pairing window). */
void ble_server_set_pairing_allowed(bool allowed);

/* CLEAR_BONDS: delete every bond; the link drops 100 ms after the response. */
esp_err_t ble_server_clear_bonds(void);

#endif /* SPINEBALL_BLE_SERVER_H */
