"""Demand forecast: children looked after by placement group and age band, UASC and cost (docs/forecast.md)."""
