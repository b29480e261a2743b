"""spineball: companion software for a pressure-sensing exercise ball.

Exercise guidance, not diagnosis.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
