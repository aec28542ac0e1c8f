"""Knowledge graph of the Deir ez-Zor offensive (2024): build, validate, reason, query, serve."""

__version__ = "0.1.0"
