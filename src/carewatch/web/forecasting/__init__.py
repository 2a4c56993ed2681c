"""Saved forecast scenarios (app DB) and the forecast page."""
