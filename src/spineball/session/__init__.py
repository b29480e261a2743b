"""A live session: the recorder that owns the link, store, analysis, cues and MQTT,
and the messages it exchanges with the dashboard."""
