"""Dashboard screens: session, pairing, calibration, inflation, history, help and dialogs."""
