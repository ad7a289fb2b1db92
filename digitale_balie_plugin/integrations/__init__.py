"""Vendors behind base classes. Nothing here imports views, pages, blocks or the service layer."""
