"""The virtual ball: a Bumble GATT peripheral, a person-on-ball simulator, fault injection."""
