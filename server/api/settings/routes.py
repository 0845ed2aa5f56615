"""County settings: dispute time limits, the daily-reporting switch, visit GPS thresholds."""
from flask.views import MethodView

from ... import settings
from ...extensions import db
from ..blueprint import Blueprint
from .schemas import SettingsChangeSchema, SettingsSchema

blp = Blueprint("settings", __name__, url_prefix="/api/settings", description="County settings 县级设置")


@blp.route("")
class Settings(MethodView):
    @blp.response(200, SettingsSchema)
    def get(self):
        """The settings in force (defaults where none was set)."""
        return settings.all_settings()

    @blp.arguments(SettingsChangeSchema(partial=True))
    @blp.response(200, SettingsSchema)
    def patch(self, changes):
        """Change some settings (audited)."""
        for key, value in changes.items():
            settings.put(key, value)
        db.session.commit()
        return settings.all_settings()
