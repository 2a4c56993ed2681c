"""HOME/carewatch.toml read by carewatch.settings.load: parsed once per change of its text (the
dashboard asks on every request)."""
from __future__ import annotations

from carewatch import settings


def test_the_settings_follow_the_file_and_are_parsed_once_per_text(tmp_path):
    assert settings.load(tmp_path) is settings.DEFAULT  # no file: the defaults
    toml = tmp_path / "carewatch.toml"
    toml.write_text("[settings]\nrag_amber_points = 3.0\n")
    first = settings.load(tmp_path)
    assert first.rag_amber_points == 3.0 and settings.load(tmp_path) is first  # unchanged: not parsed again
    # a change of the same length, written at once (the same modification time is possible): read
    toml.write_text("[settings]\nrag_amber_points = 4.0\n")
    assert settings.load(tmp_path).rag_amber_points == 4.0
    toml.unlink()
    assert settings.load(tmp_path) is settings.DEFAULT
