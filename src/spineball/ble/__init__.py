"""BLE link to the ball: bleak public API, plus a bleak backend on Google Bumble."""
