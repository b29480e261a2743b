"""MQTT publishing for clinics and smart homes (aiomqtt)."""
