"""Fixtures borrowed from the accounts and CLI tests."""
from ...accounts.conftest import checked_app, known_captcha  # noqa: F401
from ...cli.conftest import keep_logging, sqlite_url, write_ini  # noqa: F401
