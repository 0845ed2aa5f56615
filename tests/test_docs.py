"""The README keeps up with the code."""
from pathlib import Path

import click

from tests.conftest import make_app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme(db_server):
    app = make_app(db_server.new_database())
    ours = {"seed", "grids"}
    missing = []
    for name, group in app.cli.commands.items():
        if name in ours and isinstance(group, click.Group):
            missing += [f"flask {name} {sub}" for sub in group.commands if f"flask {name} {sub}" not in README]
    assert missing == []


def test_the_two_commands_are_in_the_readme():
    assert "make run" in README and "make test" in README and "make bench" in README
