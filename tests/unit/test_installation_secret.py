"""The cookie-signing key of an installation that sets none (issue 22 point 8): made on its first start, kept in the
instance folder for its owner alone, the same for every worker; never a key written in the code."""
import os
import stat
from concurrent.futures import ProcessPoolExecutor

import server
from server.config import SECRET_FILE, Config, installation_secret


def test_an_installation_without_a_key_makes_its_own_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.setattr(server, "INSTANCE_DIR", tmp_path)

    class Unset(Config):
        SECRET_KEY = None
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'wangge.sqlite'}"

    first = server.create_app(Unset).config["SECRET_KEY"]
    assert len(first) >= 48 and first == (tmp_path / SECRET_FILE).read_text()
    assert stat.S_IMODE(os.stat(tmp_path / SECRET_FILE).st_mode) == 0o600
    assert server.create_app(Unset).config["SECRET_KEY"] == first  # the next start, the same key

    other = tmp_path / "other"
    other.mkdir()
    assert installation_secret(other) != first  # another installation, another key


def test_workers_starting_at_once_agree_on_one_key(tmp_path):
    with ProcessPoolExecutor(max_workers=6) as pool:
        keys = set(pool.map(installation_secret, [tmp_path] * 12))
    assert len(keys) == 1 and sorted(p.name for p in tmp_path.iterdir()) == [SECRET_FILE]
