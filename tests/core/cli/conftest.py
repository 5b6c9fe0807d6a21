import logging
import re
from pathlib import Path

import pytest

from kjgl.core.testing import TEST_ARGON2, TEST_AUDIT_KEY, TEST_DATA_KEYS, TEST_INDEX_KEY

ETC = Path(__file__).resolve().parents[3] / "etc"
SECRET = "cli-test-secret-0123456789abcdef"


@pytest.fixture(autouse=True)
def keep_logging():
    """The CLI configures logging from the ini; put the test run's back."""
    root = logging.getLogger()
    saved = root.level, list(root.handlers)
    names = ("kjgl", "sqlalchemy.engine")
    levels = {n: logging.getLogger(n).level for n in names}
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    for n, level in levels.items():
        logging.getLogger(n).setLevel(level)


@pytest.fixture
def write_ini(tmp_path):
    """``write_ini("tianjin.ini", **{"kjgl.plugins": "x"})``: a copy of a
    deployment file from ``etc/`` on a temp SQLite database, with a literal
    secret, test data and audit keys and the tests' cheap argon2 cost; a value
    of ``None`` removes the setting."""

    def write(base: str = "development.ini", name: str | None = None, **settings) -> Path:
        text = (ETC / base).read_text(encoding="utf-8")
        wanted = {
            "sqlalchemy.url": "sqlite:///" + str(tmp_path / "kjgl.sqlite"),
            "kjgl.secret": SECRET,
            "kjgl.data_keys": TEST_DATA_KEYS,
            "kjgl.index_key": TEST_INDEX_KEY,
            "kjgl.audit_key": TEST_AUDIT_KEY,
            **TEST_ARGON2,
            "kjgl.storage_dir": str(tmp_path / "files"),
        }
        wanted.update(settings)
        for key, value in wanted.items():
            pattern = re.compile(rf"^{re.escape(key)}\s*=.*$", re.M)
            line = "" if value is None else f"{key} = {value}"
            if pattern.search(text):
                text = pattern.sub(line.replace("\\", "\\\\"), text)
            elif value is not None:
                text = text.replace("[app:main]\n", f"[app:main]\n{line}\n", 1)
        path = tmp_path / (name or base)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def rows(url: str, sql: str) -> list[tuple]:
    """The rows of ``sql`` on the database at ``url``, as tuples."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        found = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return found


@pytest.fixture
def sqlite_url(tmp_path):
    return "sqlite:///" + str(tmp_path / "kjgl.sqlite")
