import click
from flask.cli import AppGroup

seed_cli = AppGroup("seed", help="Generate the demo county or the benchmark county.")
