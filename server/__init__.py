"""The wangge application factory."""
from flask import Flask
from flask_smorest import Api

from .config import INSTANCE_DIR, Config
from .database import engine_options, prepare_engine
from .extensions import db, migrate


def create_app(config_class=Config) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(config_class)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(app.config["SQLALCHEMY_DATABASE_URI"]), **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    app.json.ensure_ascii = False
    INSTANCE_DIR.mkdir(exist_ok=True)

    from . import models  # noqa: F401  (register the tables on the metadata)

    db.init_app(app)
    with app.app_context():
        prepare_engine(db.engine)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    rest_api = Api(app)  # one per app: the OpenAPI document belongs to the app

    from .errors import register_error_handlers
    register_error_handlers(app)

    from .api.grid.routes import blp as grid_blp
    rest_api.register_blueprint(grid_blp)

    from .cli import register_cli
    register_cli(app)
    return app
