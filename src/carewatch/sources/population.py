"""The child population (0-17) of the authority by year: the denominator of every rate per 10,000.

One row per LA and YEAR (the mid-year estimate's calendar year) with AGE_0_17, as a CSV or a sheet
like any local-extract table. Counts may carry thousands separators as ONS tables print them
(``173,873``).
"""
from __future__ import annotations

from carewatch.sources.common import TableSpec

SPECS: list[TableSpec] = [
    TableSpec("population", ("LA", "YEAR", "AGE_0_17"), "local", "population", ("population",)),
]
