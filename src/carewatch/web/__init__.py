"""The dashboard: a Django project (settings, urls) with three apps.

- ``accounts``: teams and roles (admin, analyst, manager, member) and who may see which child;
- ``audit``: every view or download of child-level data, and every refused attempt;
- ``dashboard``: the pages, reading case data only from snapshots (``carewatch.web.data``).

The Django app database holds users, teams, roles and the audit log, never case data.
"""
