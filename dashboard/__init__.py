"""Nottingham East issue dashboard: official statistics, sourced and dated."""

__version__ = "0.1.0"
