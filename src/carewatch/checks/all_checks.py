"""Every check family, in the order its findings are reported."""
from __future__ import annotations

from carewatch.checks.children import check_children
from carewatch.checks.codes import check_codes
from carewatch.checks.dates import check_dates
from carewatch.checks.duplicates import check_duplicates
from carewatch.checks.episodes import check_episodes
from carewatch.checks.local import check_local
from carewatch.checks.text import check_text

CHECK_FAMILIES = (check_codes, check_local, check_dates, check_episodes, check_children,
                  check_duplicates, check_text)
