"""Care leavers aged 19-21 (OC3, year-end; DOMAIN.md B1)."""
from ..model import Kpi

AREA = "Care leavers"

METHOD = ("Annual, at each 31 March D, from the 903 OC3 table of the collection year ending on D: care "
          "leavers aged 19-21 on D (OC3 DOB, else Header DOB; the 19th-21st birthday fell in the year). "
          "Left out, as DfE: IN_TOUCH DIED and RHOM (returned home), care transferred to another LA (the "
          "child's latest period of care in the episodes ended with REC E3) and short breaks (the latest "
          "period was short breaks only, V3/V4); a care leaver with no episodes in the history stays in. "
          "The denominator keeps those not in touch, refusing contact or no longer requiring services "
          "('no information' stays in, as DfE)")


def _values(column: str) -> str:
    # a care leaver's distinct values of the year, in order: a list per group, not a DISTINCT
    # aggregate (which DuckDB works out as a grouping and a join of its own, three per indicator)
    return f"array_to_string(list_sort(list_distinct(list({column}))), ', ')"


def _share(condition: str) -> str:
    return f"""
        WITH c AS (
            SELECT o.child, o.year, upper(trim(coalesce(o.in_touch, ''))) AS in_touch,
                   upper(trim(coalesce(o.activ, ''))) AS activ, trim(coalesce(o.accom, '')) AS accom,
                   coalesce(o.dob, d.dob) AS birth
            FROM oc3 o LEFT JOIN cw_dob d USING (child)
            WHERE o.child NOT IN (SELECT child FROM cw_quarantine)
              AND o.child NOT IN (
                  SELECT child FROM periods GROUP BY child
                  HAVING arg_max_null(end_rec, start_date) = 'E3' OR arg_max(coalesce(short_breaks, false), start_date))
        )
        SELECT kd.period_end, c.child AS key, coalesce(bool_or({condition}), false) AS counted,
               min(c.birth) AS dob, {_values('c.in_touch')} AS in_touch, {_values('c.activ')} AS activ,
               {_values('c.accom')} AS accom
        FROM kd JOIN c ON c.year = year(kd.period_end)
             AND cw_age(c.birth, kd.period_end) BETWEEN 19 AND 21 AND c.in_touch NOT IN ('DIED', 'RHOM')
        GROUP BY kd.period_end, c.child
    """


KPIS = [
    Kpi(
        id="care_leavers_in_touch", title="Care leavers aged 19-21 in touch", area=AREA, unit="percent",
        polarity="higher", target=None, frequency="annual",
        source="SSDA903 OC3 IN_TOUCH; DfE care leavers (DOMAIN.md B1); national 2024: 92%.",
        method=METHOD + "; numerator = IN_TOUCH YES.",
        tables=("oc3",), basis="children", rows=_share("c.in_touch = 'YES'"),
    ),
    Kpi(
        id="care_leavers_eet", title="Care leavers aged 19-21 in education, employment or training",
        area=AREA, unit="percent", polarity="higher", target=None, frequency="annual",
        source="SSDA903 OC3 ACTIV; DfE care leavers (national 2024: 39% NEET).",
        method=METHOD + "; numerator = ACTIV F1/P1, F2/P2, F4/P4 or F5/P5 (education, apprenticeship, training or employment).",
        tables=("oc3",),
        basis="children", rows=_share("c.activ IN ('F1', 'P1', 'F2', 'P2', 'F4', 'P4', 'F5', 'P5')"),
    ),
    Kpi(
        id="care_leavers_suitable_accommodation", title="Care leavers aged 19-21 in suitable accommodation",
        area=AREA, unit="percent", polarity="higher", target=None, frequency="annual",
        source="SSDA903 OC3 ACCOM; DfE care leavers (national 2024: 88%).",
        method=METHOD + "; numerator = ACCOM a letter with suffix 1 (suitable).",
        tables=("oc3",), basis="children", rows=_share("length(c.accom) = 2 AND right(c.accom, 1) = '1'"),
    ),
]
