"""Command-line commands (flask ...)."""


def register_cli(app):
    from seed.cli import seed_cli

    from .grid_admin.cli import grids_cli
    from .warnings.cli import warnings_cli
    app.cli.add_command(seed_cli)
    app.cli.add_command(grids_cli)
    app.cli.add_command(warnings_cli)
