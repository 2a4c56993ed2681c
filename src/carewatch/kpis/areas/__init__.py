"""Indicator definitions, one module per area of KPIS.md."""
