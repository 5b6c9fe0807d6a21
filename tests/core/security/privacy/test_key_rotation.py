"""``kjgl keys rotate`` re-encrypts every sealed value under the first data
key and recomputes the keyed hashes, so the old key can then be removed."""
import datetime as dt
import json

import pytest
from sqlalchemy import create_engine, select, text

from kjgl.core import crypto, factories
from kjgl.core.accounts.models import User
from kjgl.core.accounts.services import find_by_account_and_mobile
from kjgl.core.audit.models import AuditEvent
from kjgl.core.cli import main
from kjgl.core.db import get_session_factory
from kjgl.core.keys import rotate
from kjgl.core.messaging.models import OutboxMessage
from kjgl.core.models import CORE_TABLES
from kjgl.core.organisations.models import Organisation
from kjgl.core.plugin_host import build_plugin_manager
from kjgl.core.review import services as review
from kjgl.core.testing import ALL_PLUGINS, TEST_DATA_KEYS, TEST_INDEX_KEY
from kjgl.plugins.makerspace.models import MakerspaceEvaluation
from kjgl.plugins.makerspace.schemas import FILING

from tests.core.cli.conftest import keep_logging, write_ini  # noqa: F401  (fixtures)

NEW_KEY = "k2:" + crypto.new_key()
MOBILE, ID_NUMBER, HEAD_MOBILE = "13711112222", "12010419800101123X", "13699998888"
BANK_ACCOUNT = "6222020302001234567"
TABLES = list(CORE_TABLES) + [t for ts in build_plugin_manager(ALL_PLUGINS).hook.kjgl_metadata() for t in ts]


@pytest.fixture
def keys():
    """``keys(data_keys, index_key)`` switches this process's keyring; the
    test keys come back afterwards."""
    saved = crypto._keyring

    def use(data_keys=TEST_DATA_KEYS, index_key=TEST_INDEX_KEY):
        crypto.configure({"kjgl.data_keys": data_keys, "kjgl.index_key": index_key})

    yield use
    crypto._keyring = saved


def sealed_values(dbsession) -> list[str]:
    """Every sealed string of the tables touched here, as stored."""
    values = []
    for table, columns in (("user_account", "id_number, mobile"),
                           ("organisation", "legal_rep_id_number, legal_rep_mobile, contact_mobile, bank_account_no"),
                           ("outbox_message", "recipient")):
        for row in dbsession.execute(text(f"SELECT {columns} FROM {table}")):
            values += [v for v in row if v]
    for (data,) in dbsession.execute(text("SELECT data FROM makerspace_evaluation")):
        data = json.loads(data) if isinstance(data, str) else data
        values += [data[k] for k in ("head_mobile", "contact_mobile") if data.get(k)]
    return values


@pytest.fixture
def people(dbsession):
    org = factories.organisation(dbsession, legal_rep_mobile=MOBILE, legal_rep_id_number=ID_NUMBER,
                                 bank_account_no=BANK_ACCOUNT)
    user = factories.user(dbsession, organisation=org, mobile=MOBILE, id_number=ID_NUMBER)
    dbsession.add(OutboxMessage(channel="sms", recipient=MOBILE, body="验证码"))
    city = factories.user(dbsession, "agency", agency_code="tj")
    today = dt.date.today()
    batch = review.open_batch(dbsession, "makerspace", today.year, today + dt.timedelta(days=30), city)
    sub = review.create_draft(dbsession, module_key="makerspace", kind="makerspace", batch=batch,
                              organisation=org, applicant=user, title="测试空间")
    dbsession.add(MakerspaceEvaluation(submission_id=sub.id, data={"name": "测试空间", "head_mobile": HEAD_MOBILE}))
    dbsession.flush()
    return user, org, sub


def read_back(dbsession, user, org, sub):
    dbsession.expire_all()
    assert (dbsession.get(User, user.id).mobile, dbsession.get(User, user.id).id_number) == (MOBILE, ID_NUMBER)
    assert dbsession.get(Organisation, org.id).legal_rep_mobile == MOBILE
    assert dbsession.get(Organisation, org.id).bank_account_no == BANK_ACCOUNT
    assert dbsession.get(MakerspaceEvaluation, sub.id).data["head_mobile"] == HEAD_MOBILE
    assert dbsession.scalars(select(OutboxMessage).where(OutboxMessage.to(MOBILE))).one().recipient == MOBILE


def test_rotation_moves_every_value_to_the_new_key_and_the_old_key_can_go(dbsession, people, keys):
    assert FILING.model is MakerspaceEvaluation  # the filing declares which keys are sealed
    before = sealed_values(dbsession)
    assert len(before) >= 8 and all(v.startswith("enc1:t1:") for v in before)

    keys(f"{NEW_KEY} {TEST_DATA_KEYS}")  # step 1: the new key first, the old one kept
    counts = rotate(dbsession.connection(), TABLES)
    assert counts.resealed >= len(before) and counts.sealed == 0
    after = sealed_values(dbsession)
    assert len(after) == len(before) and all(v.startswith("enc1:k2:") for v in after)

    again = rotate(dbsession.connection(), TABLES)  # idempotent
    assert (again.resealed, again.sealed, again.hashes) == (0, 0, 0) and again.current == counts.resealed
    assert sealed_values(dbsession) == after

    keys(NEW_KEY)  # step 2: the old key removed
    read_back(dbsession, *people)


def test_plaintext_rows_written_before_sealing_get_sealed(dbsession, people, keys):
    user, org, sub = people
    dbsession.execute(text("UPDATE user_account SET mobile = :m, mobile_hash = NULL WHERE id = :id"),
                      {"m": MOBILE, "id": user.id})
    dbsession.execute(text("UPDATE makerspace_evaluation SET data = :d WHERE submission_id = :id"),
                      {"d": json.dumps({"name": "enc1:t1:typed", "head_mobile": HEAD_MOBILE}), "id": sub.id})
    counts = rotate(dbsession.connection(), TABLES)  # a field that merely looks sealed does not stop it
    assert counts.sealed == 2 and counts.hashes == 1
    assert all(v.startswith("enc1:t1:") for v in sealed_values(dbsession))
    assert MOBILE not in json.dumps(sealed_values(dbsession))
    read_back(dbsession, *people)
    assert dbsession.get(MakerspaceEvaluation, sub.id).data["name"] == "enc1:t1:typed"
    assert find_by_account_and_mobile(dbsession, user.account, MOBILE) == user


def test_an_index_key_change_recomputes_the_hashes(dbsession, people, keys):
    user = people[0]
    keys(TEST_DATA_KEYS, crypto.new_key())
    assert find_by_account_and_mobile(dbsession, user.account, MOBILE) is None  # stale hashes
    counts = rotate(dbsession.connection(), TABLES)
    assert counts.hashes >= 3  # the user's mobile and ID number, the outbox recipient
    dbsession.expire_all()
    assert find_by_account_and_mobile(dbsession, user.account, MOBILE).id == user.id


def test_a_value_under_a_removed_key_stops_the_rotation(dbsession, people, keys):
    keys(NEW_KEY)
    with pytest.raises(crypto.CryptoError, match="kjgl.data_keys has no key 't1'"):
        rotate(dbsession.connection(), TABLES)


def test_keys_new_prints_keys_the_settings_accept(capsys):
    assert main(["keys", "new", "--id", "k7"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("#")]
    data_key, index_key, audit_key = lines
    ring = crypto.parse_keyring(data_key, index_key)
    assert ring.current_id == "k7"
    from kjgl.core.settings import AUDIT_KEY_MIN_LENGTH

    assert len(audit_key) >= AUDIT_KEY_MIN_LENGTH and len({data_key.split(":")[1], index_key, audit_key}) == 3


def test_cli_rotation_then_old_key_removed(write_ini, capsys, keys):  # noqa: F811
    old = write_ini()
    assert main(["demo", str(old)]) == 0
    rotating = write_ini(name="rotating.ini", **{"kjgl.data_keys": f"{NEW_KEY} {TEST_DATA_KEYS}"})
    capsys.readouterr()
    assert main(["keys", "rotate", str(rotating)]) == 0
    first = capsys.readouterr().out
    assert main(["keys", "rotate", str(rotating)]) == 0
    second = capsys.readouterr().out
    assert "0 个旧密钥的值，0 个明文值" not in first and "0 个旧密钥的值，0 个明文值" in second

    new_only = write_ini(name="new.ini", **{"kjgl.data_keys": NEW_KEY})
    assert main(["keys", "rotate", str(new_only)]) == 0
    engine = create_engine("sqlite:///" + str(old.parent / "kjgl.sqlite"))
    session = get_session_factory(engine)()
    try:
        users = session.scalars(select(User).where(User.mobile_hash.is_not(None))).all()
        assert users and all(u.mobile.isdigit() for u in users)
        raw = session.execute(text("SELECT mobile FROM user_account WHERE mobile IS NOT NULL")).scalars().all()
        assert all(v.startswith("enc1:k2:") for v in raw)
        events = session.scalars(select(AuditEvent).where(AuditEvent.event == "keys_rotate")).all()
        assert len(events) == 3 and json.loads(events[0].detail)["key"] == "k2"
    finally:
        session.close()
        engine.dispose()
