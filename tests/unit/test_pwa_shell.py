"""The service worker precaches every module of the phone app: one left out breaks the app offline."""
import re
from pathlib import Path

PWA = Path(__file__).resolve().parents[2] / "pwa"


def test_every_module_and_style_of_the_phone_app_is_precached():
    listed = set(re.findall(r'"(/app/[^"]+)"', (PWA / "sw" / "precache.js").read_text()))
    files = {f"/app/{p.relative_to(PWA).as_posix()}" for folder in ("js", "css") for p in (PWA / folder).glob("*")}
    assert files - listed == set()
    missing = [path for path in listed - {"/app/"} if not path.startswith("/app/vendor/")
               and not (PWA / path.removeprefix("/app/")).exists()]
    assert missing == []
