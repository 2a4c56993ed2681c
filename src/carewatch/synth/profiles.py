"""The three synthetic authorities: `demo` (a county calibrated to council 938 and the seed report),
`small` (about 100 children, for tests) and `national` (153 councils, about 80,000 looked after)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Profile:
    name: str
    #: council codes and names; `weights` share the entries between them
    las: tuple[tuple[str, str], ...]
    #: first day of the first collection year written out
    history_start: date
    #: the extract date when --as-of is not given
    default_as_of: date
    #: children starting to be looked after per year, by collection year (the year ending 31 March);
    #: years before the first key use the first value (the burn-in that fills the care population)
    starts_per_year: dict[int, float]
    #: simulate this many years before history_start so the population in care is already in
    #: steady state when the output begins
    burn_in_years: int = 18
    #: share of starts who are unaccompanied asylum-seeking children, by collection year
    uasc_share: dict[int, float] = field(default_factory=lambda: {2015: 0.06, 2017: 0.09, 2020: 0.125})
    #: CIN referrals per year per child looked after at any time (whole council, all outcomes)
    referrals_per_start: float = 18.0
    population_0_17: int = 173_873
    #: Mind of My Own statements per calendar year (participation table)
    momo_per_year: dict[int, int] = field(default_factory=lambda: {2018: 127, 2019: 417, 2020: 677, 2021: 790})
    weights: tuple[float, ...] = ()
    #: simulate at least to this date (default: the extract date), so that an extract to any date up
    #: to it shows the same children and episodes, only cut off sooner
    simulated_to: date | None = None
    #: placement moves per year relative to the base rates, by (year, month), linear between the
    #: points and flat beyond them (the move rate over time: care.simulate)
    move_intensity: dict[tuple[int, int], float] = field(default_factory=lambda: {(2015, 4): 1.0})
    #: the share of moves that a long-term placement prevents (children staying to 18 once it is
    #: made), by (year, month) of the move, as move_intensity
    long_term_settled: dict[tuple[int, int], float] = field(default_factory=lambda: {(2015, 4): 0.6})


# Starts per year for 938 (DfE published: 457 in 2019-20, 456 in 2020-21, 417 in 2021-22); the
# earlier, lower starts reproduce "30% more children in care than in 2018" (seed ¶1.4) with CLA
# at 31 March 2021 as published (891).
DEMO = Profile(
    name="demo",
    las=(("938", "West Sussex (synthetic)"),),
    history_start=date(2015, 4, 1),
    default_as_of=date(2021, 11, 30),
    starts_per_year={2010: 255, 2016: 260, 2017: 285, 2018: 295, 2019: 315, 2020: 445, 2021: 460, 2022: 417},
    # a little under the default share from 2019-20: the seed report's 90 UASC in November 2021
    uasc_share={2015: 0.06, 2017: 0.09, 2020: 0.118},
    # to the last year compared with DfE's published figures: the demo at any extract date up to
    # 31 March 2022 is the same council
    simulated_to=date(2022, 3, 31),
    # placement moves (calibrated to council 938's published figures, docs/demo-vs-seed.md): more
    # from 2019 to the spring of 2021 (placements breaking down through the pandemic), and
    # long-term placements made stable from 2020 as the Permanence Panel confirmed them, which
    # brings long-term stability from 55% (March 2021) to 69% (March 2022)
    move_intensity={(2015, 4): 0.9, (2019, 3): 1.3, (2021, 3): 1.4, (2021, 6): 1.3},
    long_term_settled={(2015, 4): 0.0, (2019, 12): 0.0, (2020, 9): 0.95},
)

SMALL = Profile(
    name="small",
    las=(("938", "Small synthetic council"),),
    history_start=date(2019, 4, 1),
    default_as_of=date(2021, 11, 30),
    starts_per_year={2010: 40, 2020: 45, 2022: 45},
    burn_in_years=6,
    referrals_per_start=6.0,
    population_0_17=20_000,
    momo_per_year={2019: 20, 2020: 40, 2021: 60},
)

_NATIONAL_LAS = tuple((str(801 + i), f"Synthetic council {801 + i}") for i in range(153))
# Council sizes vary about tenfold (a few large counties, many small unitaries).
_NATIONAL_WEIGHTS = tuple(0.35 + 3.0 * ((i * 37) % 153) / 153 for i in range(153))

NATIONAL = Profile(
    name="national",
    las=_NATIONAL_LAS,
    history_start=date(2012, 4, 1),
    default_as_of=date(2021, 11, 30),
    starts_per_year={2010: 34_500, 2016: 35_000, 2019: 35_800, 2021: 33_500, 2022: 35_300},
    burn_in_years=12,
    referrals_per_start=3.0,
    population_0_17=12_000_000,
    momo_per_year={2019: 20_000, 2020: 30_000, 2021: 35_000},
    weights=_NATIONAL_WEIGHTS,
)

PROFILES = {p.name: p for p in (DEMO, SMALL, NATIONAL)}


def by_year(table: dict[int, float], year: int) -> float:
    """Step function: the value for the latest key on or before ``year`` (the first key before it)."""
    keys = sorted(table)
    chosen = keys[0]
    for k in keys:
        if k <= year:
            chosen = k
    return table[chosen]
