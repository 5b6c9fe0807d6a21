"""The argon2 cost is a deployment setting; hashes made with other
parameters still verify and are rehashed with the deployment's at the next
successful login."""
import pytest
from argon2 import PasswordHasher

from kjgl.core import factories
from kjgl.core.accounts import passwords
from kjgl.core.settings import SettingsError, normalise
from kjgl.core.testing import TEST_ARGON2, TEST_PASSWORD, base_settings, login

TEST_PREFIX = "$argon2id$v=19$m=1024,t=1,p=1$"


@pytest.fixture
def restore_test_cost():
    yield
    passwords.configure(TEST_ARGON2)


def test_the_defaults_are_argon2_cffis_production_cost():
    assert passwords.cost({}) == {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}


def test_the_cost_is_a_deployment_setting(restore_test_cost):
    normalise(base_settings("sqlite://", **{"kjgl.argon2_time_cost": "2", "kjgl.argon2_memory_kib": "2048",
                                            "kjgl.argon2_parallelism": "2"}))
    stored = passwords.hash_password("Strong#2026")
    assert stored.startswith("$argon2id$v=19$m=2048,t=2,p=2$")
    assert passwords.verify_password(stored, "Strong#2026")


@pytest.mark.parametrize("key, value", [("kjgl.argon2_memory_kib", "lots"), ("kjgl.argon2_time_cost", "0"),
                                        ("kjgl.argon2_memory_kib", "16")])
def test_a_bad_cost_is_named(key, value, restore_test_cost):
    settings = base_settings("sqlite://", **{key: value, "kjgl.argon2_parallelism": "4"})
    with pytest.raises(SettingsError, match=key.replace(".", r"\.")):
        normalise(settings)


def test_a_hash_with_other_parameters_verifies_and_is_rehashed_at_login(app, dbsession):
    user = factories.user(dbsession, "individual")
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=2).hash(TEST_PASSWORD)
    dbsession.flush()
    login(app, user.account, "Wrong-pass1", status=200)
    dbsession.refresh(user)
    assert user.password_hash.startswith("$argon2id$v=19$m=2048,t=2,p=2$")  # a failure changes nothing
    assert login(app, user.account).status_int == 303
    dbsession.refresh(user)
    assert user.password_hash.startswith(TEST_PREFIX)
    assert passwords.verify_password(user.password_hash, TEST_PASSWORD)
