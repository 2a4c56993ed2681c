"""The placement groups of the demand model and their PLACE codes (DOMAIN.md A2), listed once.

Kept free of heavy imports: the app DB's scenario model reads the group names at start-up.
"""
from __future__ import annotations

#: placement groups and their PLACE codes (DOMAIN.md A2), listed once; anything else is "other"
GROUP_CODES: dict[str, tuple[str, ...]] = {
    "fostering": ("U1", "U2", "U3", "U4", "U5", "U6"),
    "residential": ("K1", "K2", "R1", "S1"),
    "adoption": ("A3", "A4", "A5", "A6"),
    "parents": ("P1",),
    "independent": ("H5", "K3", "P2", "P3"),
    "other": ("R2", "R3", "R5", "T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13", "Z14"),
}
GROUP_TITLES = {
    "fostering": "Fostering", "residential": "Children's homes and residential settings",
    "adoption": "Placed for adoption", "parents": "Placed with parents",
    "independent": "Independent and supported living", "other": "Other placements",
}
GROUPS = tuple(GROUP_CODES)
