"""The application as gunicorn and `flask` (FLASK_APP=wsgi) run it: the server, and the demo and benchmark data
generator's `flask seed` commands. The generator writes through the server's models; the server never imports it."""
from seed.cli import seed_cli
from server import create_app, freeze_start_up_objects

app = create_app()
app.cli.add_command(seed_cli)
freeze_start_up_objects()
