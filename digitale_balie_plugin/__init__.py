"""Digitale Balie: a digital counter for municipal Wagtail sites."""

__version__ = "0.1.0"
