"""docs/deploy.md and deploy/ name only commands and options that exist (an IT team follows them
word for word)."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import typer

from carewatch.cli import app

REPO = Path(__file__).resolve().parents[1]
SOURCES = [REPO / "docs" / "deploy.md", *sorted((REPO / "deploy").iterdir())]
# `carewatch <words>` (the command word itself, or its path in the venv) up to the end of the line,
# a pipe, `&&` or a backtick
COMMAND = re.compile(r"(?:^|(?<=[\s`(])|(?<=/bin/))carewatch((?: [^\s`|&;#]+)+)")


def documented_commands() -> list[tuple[str, list[str]]]:
    found = []
    for source in SOURCES:
        for line in source.read_text().splitlines():
            for match in COMMAND.finditer(line):
                words = shlex.split(match.group(1).replace("$(date +\\%a)", "Mon"))
                found.append((source.name, words))
    return found


def test_every_documented_carewatch_command_and_option_exists():
    root = typer.main.get_command(app)
    checked = 0
    for source, words in documented_commands():
        if not words or words[0] not in root.commands:
            continue  # prose ("carewatch in a council", "-g carewatch /srv/...")
        command = root.commands[words[0]]
        rest = words[1:]
        if hasattr(command, "commands") and rest and rest[0] in command.commands:
            command, rest = command.commands[rest[0]], rest[1:]
        options = {opt for param in command.params for opt in param.opts}
        for word in rest:
            if word.startswith("--"):
                assert word.split("=")[0] in options, f"{source}: carewatch {' '.join(words)}: no option {word}"
        checked += 1
    # deploy.md: serve (x2), user add (x2), refresh, validate, backup, restore; the service files:
    # serve, refresh, backup; the crontab: refresh, backup
    assert checked == 13
