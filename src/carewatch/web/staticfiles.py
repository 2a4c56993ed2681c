"""Static files with content-hashed names once collected, plain names before."""
from __future__ import annotations

import hashlib
from pathlib import Path

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFiles(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed storage; until ``collectstatic`` has written its manifest
    (tests, a first start) a name stays as it is and WhiteNoise serves it from the package."""

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        return super().stored_name(name)


def collect_static() -> None:
    """Collect the static files into STATIC_ROOT unless the files collected last time are still
    current (hashing and compressing them takes seconds that every restart would otherwise pay)."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    sources = sorted(
        f"{path}:{storage.size(path)}:{storage.get_modified_time(path).timestamp()}"
        for finder in get_finders() for path, storage in finder.list(ignore_patterns=None))
    fingerprint = hashlib.sha256("\n".join(sources).encode()).hexdigest()
    stamp = Path(settings.STATIC_ROOT) / ".sources"
    if stamp.exists() and stamp.read_text() == fingerprint:
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
