"""uvcreds: short-lived credentials for private Python package indexes, exported for uv."""

__version__ = "0.1.0"
