"""gunicorn for `carewatch serve` (carewatch.web.cli): imported only when the dashboard is served,
so the other commands start without gunicorn."""
from __future__ import annotations

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from carewatch.web.security import RedactChildIdentifiers


class DashboardServer(BaseApplication):
    """gunicorn with its settings from ``serve`` (no config file, no command line of its own)."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from carewatch.web.wsgi import application
        return application


class RedactingLogger(Logger):
    """gunicorn's access and error logs, without child identifiers."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            log.addFilter(RedactChildIdentifiers())
