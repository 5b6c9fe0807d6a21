"""ID numbers and mobiles are sealed at rest (AES-GCM, kjgl.core.crypto): the
tables hold ciphertext, the application reads plaintext, and equality search
goes through keyed-hash columns."""
import io
import json

import pytest
from docx import Document
from sqlalchemy import select, text

from kjgl.core import captcha, crypto, factories
from kjgl.core.accounts.models import User
from kjgl.core.accounts.services import find_by_id_number
from kjgl.core.messaging.models import OutboxMessage
from kjgl.core.settings import SettingsError, normalise
from kjgl.core.testing import TEST_DATA_KEYS, TEST_INDEX_KEY, login

ID_NUMBER = "12010419800101123X"
MOBILE, REP_MOBILE, CONTACT_MOBILE = "13711112222", "13633334444", "13555556666"
BANK_ACCOUNT = "6222020302001234567"


@pytest.fixture
def keep_keyring():
    saved = crypto._keyring
    yield
    crypto._keyring = saved


def raw_row(dbsession, table: str, row_id: int, *columns: str) -> dict:
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE id = :id"
    return dict(dbsession.execute(text(sql), {"id": row_id}).mappings().one())


def assert_sealed(values: dict, *plaintexts: str):
    for value in values.values():
        assert value.startswith("enc1:t1:"), value
    dump = json.dumps(values)
    for plain in plaintexts:
        assert plain not in dump


def test_user_numbers_are_sealed_in_the_table_and_read_in_plain(dbsession):
    user = factories.user(dbsession, id_number=ID_NUMBER, mobile=MOBILE)
    assert_sealed(raw_row(dbsession, "user_account", user.id, "id_number", "mobile"), ID_NUMBER, MOBILE)
    dbsession.expire_all()
    again = dbsession.get(User, user.id)
    assert (again.id_number, again.mobile) == (ID_NUMBER, MOBILE)


def test_organisation_numbers_are_sealed_in_the_table_and_read_in_plain(dbsession):
    org = factories.organisation(dbsession, legal_rep_id_number=ID_NUMBER, legal_rep_mobile=REP_MOBILE,
                                 contact_mobile=CONTACT_MOBILE)
    raw = raw_row(dbsession, "organisation", org.id, "legal_rep_id_number", "legal_rep_mobile", "contact_mobile")
    assert_sealed(raw, ID_NUMBER, REP_MOBILE, CONTACT_MOBILE)
    dbsession.expire_all()
    assert (org.legal_rep_id_number, org.legal_rep_mobile, org.contact_mobile) == (ID_NUMBER, REP_MOBILE,
                                                                                  CONTACT_MOBILE)


def test_bank_account_numbers_are_sealed_in_the_table_and_read_in_plain(dbsession):
    org = factories.organisation(dbsession, bank_account_no=BANK_ACCOUNT)
    assert_sealed(raw_row(dbsession, "organisation", org.id, "bank_account_no"), BANK_ACCOUNT)
    dbsession.expire_all()
    assert org.bank_account_no == BANK_ACCOUNT


def test_the_upgrade_seals_bank_accounts_stored_in_plain_text(tmp_path):
    """A database upgraded from before sealing: the migration seals every
    stored plaintext account number, and the downgrade opens them again."""
    from alembic import command
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from kjgl.core import migrate
    from kjgl.core.organisations.models import Organisation
    from kjgl.core.plugin_host import build_plugin_manager
    from kjgl.core.testing import base_settings

    settings = normalise(base_settings("sqlite:///" + str(tmp_path / "old.sqlite"), **{"kjgl.plugins": ""}))
    config = migrate.alembic_config(settings, build_plugin_manager([]))
    command.upgrade(config, "c0005")  # before sealing
    engine = create_engine(settings["sqlalchemy.url"])
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO agency (id, code, name, level, kind, path, sort, region) "
                          "VALUES (1, 'tj', '天津市科学技术局', 'city', 'bureau', '/1/', 0, '天津市')"))
        for org_id, account in ((1, BANK_ACCOUNT), (2, "")):
            conn.execute(text(
                "INSERT INTO organisation (id, name, credit_code, legal_type, legal_rep_name, legal_rep_id_type, "
                "legal_rep_id_number, legal_rep_id_long_term, legal_rep_mobile, agency_id, status, bank_account_no, "
                "created_at, updated_at) VALUES (:id, :name, :code, '企业', '张三', '身份证', :idn, 1, :mobile, 1, "
                "'active', :account, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"),
                {"id": org_id, "name": f"天津测试{org_id}有限公司", "code": f"91120101MA0{org_id}XXXXX",
                 "idn": crypto.keyring().seal(ID_NUMBER, "organisation.legal_rep_id_number"),
                 "mobile": crypto.keyring().seal(MOBILE, "organisation.legal_rep_mobile"), "account": account})
    command.upgrade(config, "core@head")
    with engine.connect() as conn:
        sealed = conn.execute(text("SELECT bank_account_no FROM organisation ORDER BY id")).scalars().all()
    assert sealed[0].startswith("enc1:t1:") and BANK_ACCOUNT not in sealed[0] and sealed[1] == ""
    with Session(engine) as session:
        assert session.get(Organisation, 1).bank_account_no == BANK_ACCOUNT
    command.upgrade(config, "core@head")  # nothing sealed twice
    with engine.connect() as conn:
        assert conn.execute(text("SELECT bank_account_no FROM organisation WHERE id = 1")).scalar() == sealed[0]
    command.downgrade(config, "c0005")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT bank_account_no FROM organisation WHERE id = 1")).scalar() == BANK_ACCOUNT
    engine.dispose()


def test_a_value_copied_to_another_column_does_not_open(dbsession):
    user = factories.user(dbsession, id_number=ID_NUMBER, mobile=MOBILE)
    dbsession.execute(text("UPDATE user_account SET id_number = mobile WHERE id = :id"), {"id": user.id})
    dbsession.expire_all()
    with pytest.raises(crypto.CryptoError, match="user_account.id_number"):
        dbsession.get(User, user.id)


def test_equality_on_a_sealed_column_is_refused_not_silently_empty():
    with pytest.raises(TypeError, match="keyed-hash"):
        select(User).where(User.mobile == MOBILE)


def test_filing_mobiles_are_sealed_inside_the_json_and_every_reader_sees_them(make_app, dbsession):
    from tests.core.filings.conftest import Flow, fill
    from kjgl.plugins.makerspace.samples import evaluation_sample

    flow = Flow(make_app, dbsession)
    flow.open_batch()
    app = flow.as_(flow.applicant)
    values = dict(evaluation_sample(), head_mobile=MOBILE, contact_mobile=CONTACT_MOBILE)
    res = fill(app.get("/makerspace/new").forms["filing-form"], values).submit("action", value="save")
    assert res.status_int == 303
    edit = res.follow()
    sub_id = int(edit.request.path.strip("/").split("/")[1])

    stored = dbsession.execute(text("SELECT data FROM makerspace_evaluation WHERE submission_id = :id"),
                               {"id": sub_id}).scalar_one()
    raw = json.loads(stored) if isinstance(stored, str) else stored
    assert_sealed({k: raw[k] for k in ("head_mobile", "contact_mobile")}, MOBILE, CONTACT_MOBILE)
    assert raw["name"] == values["name"]  # only personal data is sealed
    # the form re-opens with the numbers, and the Word export holds them
    assert edit.forms["filing-form"]["head_mobile"].value == MOBILE
    word = app.get(f"/makerspace/{sub_id}/word.docx")
    cells = "\n".join(c.text for t in Document(io.BytesIO(word.body)).tables for r in t.rows for c in r.cells)
    assert MOBILE in cells and CONTACT_MOBILE in cells


def test_sms_code_and_outbox_hold_no_plain_mobile_and_recovery_works(make_app, dbsession, monkeypatch):
    monkeypatch.setattr(captcha, "ALPHABET", "A")
    app = make_app(**{"kjgl.captcha": "on"})
    user = factories.user(dbsession, mobile=MOBILE)
    page = app.get("/recover/sms")
    app.get("/captcha.png")
    form = page.forms[0]
    form["account"], form["mobile"], form["captcha"] = user.account, MOBILE, "AAAA"
    assert form.submit().status_int == 303

    codes = [dict(r) for r in dbsession.execute(text("SELECT * FROM sms_code")).mappings()]
    assert len(codes) == 1 and "mobile" not in codes[0]
    assert codes[0]["mobile_hash"] == crypto.blind_index(MOBILE, "mobile")
    assert MOBILE not in json.dumps(codes, default=str)
    outbox = dbsession.execute(text("SELECT recipient FROM outbox_message")).scalar_one()
    assert outbox.startswith("enc1:") and MOBILE not in outbox

    # the code is found through the keyed hash and the password is reset
    message = dbsession.scalars(select(OutboxMessage).where(OutboxMessage.to(MOBILE))).one()
    code = message.body.split("验证码为")[1][:6]
    form = app.get("/recover/sms?step=code").forms[0]
    form["sms_code"], form["password"], form["password_confirm"] = code, "Newpass#2026", "Newpass#2026"
    assert form.submit().status_int == 303
    assert login(make_app(), user.account, "Newpass#2026").status_int == 303


def test_registration_keeps_keyed_hashes_for_search(app, dbsession):
    from tests.core.accounts.conftest import individual_data, submit

    res = submit(app, "/register/individual", individual_data(id_number="11010519491231002x", mobile=MOBILE))
    assert res.status_int == 303, [e.get_text(strip=True) for e in res.html.select(".error, .notice")]
    user = dbsession.scalars(select(User).where(User.account == "zhangsan01")).one()
    assert user.mobile_hash == crypto.blind_index(MOBILE, "mobile")
    assert find_by_id_number(dbsession, "身份证", "11010519491231002x") == [user]
    assert find_by_id_number(dbsession, "身份证", "11010519491231003X") == []
    assert_sealed(raw_row(dbsession, "user_account", user.id, "id_number", "mobile"), "11010519491231002X", MOBILE)


@pytest.mark.parametrize("data_keys, index_key, setting", [
    (None, TEST_INDEX_KEY, "kjgl.data_keys"),
    ("t1:not-base64!", TEST_INDEX_KEY, "kjgl.data_keys"),
    ("t1:c2hvcnQ=", TEST_INDEX_KEY, "kjgl.data_keys"),
    (TEST_DATA_KEYS, None, "kjgl.index_key"),
    (TEST_DATA_KEYS, "c2hvcnQ=", "kjgl.index_key"),
])
def test_a_missing_or_malformed_key_stops_the_start_naming_the_setting(keep_keyring, data_keys, index_key,
                                                                        setting):
    settings = {"sqlalchemy.url": "sqlite://", "kjgl.secret": "x" * 32}
    settings.update({k: v for k, v in (("kjgl.data_keys", data_keys), ("kjgl.index_key", index_key)) if v})
    with pytest.raises(SettingsError, match=setting):
        normalise(settings)


def test_a_value_under_an_unknown_or_wrong_key_names_the_setting(dbsession, keep_keyring):
    user = factories.user(dbsession, mobile=MOBILE)
    dbsession.expire_all()
    crypto.configure({"kjgl.data_keys": "k9:" + crypto.new_key(), "kjgl.index_key": TEST_INDEX_KEY})
    with pytest.raises(crypto.CryptoError, match="kjgl.data_keys has no key 't1'"):
        dbsession.get(User, user.id)
    dbsession.expire_all()
    crypto.configure({"kjgl.data_keys": "t1:" + crypto.new_key(), "kjgl.index_key": TEST_INDEX_KEY})
    with pytest.raises(crypto.CryptoError, match="does not open under key 't1'"):
        dbsession.get(User, user.id)
