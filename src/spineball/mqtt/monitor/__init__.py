"""``spineball monitor``: a live Textual view of every ball on an MQTT broker."""

from spineball.mqtt.monitor.app import MonitorApp

__all__ = ["MonitorApp"]
