"""SIGKILL of a real ``kjgl serve`` process in the middle of a 暂存 with a
large upload: after a restart the draft is either saved completely (fields,
version and attachment together) or not at all, every attachment row has its
bytes, and the draft can be edited again."""
import socket
import time

import pytest
from sqlalchemy import create_engine, select

from kjgl.core.attachments.models import Attachment
from kjgl.core.attachments.storage import DirectoryStorage
from kjgl.core.attachments.services import hashlib  # the same digest the app uses
from kjgl.core.review.models import Submission
from kjgl.plugins.makerspace.models import MakerspaceEvaluation
from kjgl.plugins.makerspace.samples import evaluation_sample

from .conftest import make_site
from .support import VERSION_RE, Client, Server, fake_pdf, multipart

UPLOAD_BYTES = 8 * 1024 * 1024
NEW_ADDRESS = "天津市和平区南京路219号天津中心大厦18层（暂存时被中断）"


def _state(url, storage_dir):
    """(draft fields, version, attachment rows) as stored, after checking every
    row's bytes exist and match its size and SHA-256."""
    engine = create_engine(url)
    with engine.connect() as conn:
        sub = conn.execute(select(Submission.id, Submission.version, Submission.state)
                           .where(Submission.module_key == "makerspace")).one()
        data = conn.scalar(select(MakerspaceEvaluation.data).where(MakerspaceEvaluation.submission_id == sub.id))
        rows = conn.execute(select(Attachment)).all()
    engine.dispose()
    storage = DirectoryStorage(str(storage_dir))
    for row in rows:
        with storage.open(row.storage_key) as f:  # a missing file raises here
            blob = f.read()
        assert len(blob) == row.size and hashlib.sha256(blob).hexdigest() == row.sha256
    return sub, data, rows


def _stored_files(storage_dir):
    return sorted(p.name for p in storage_dir.rglob("*") if p.is_file())


def _save_request(client, sub_id, version, upload: bytes) -> bytes:
    fields = dict(evaluation_sample(address=NEW_ADDRESS), csrf_token=client.csrf, version=str(version),
                  action="save")
    body, ctype = multipart(fields, [("signature", "签章页.pdf", "application/pdf", upload)])
    head = (f"POST /makerspace/{sub_id}/edit HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n"
            f"Cookie: {client.session_cookie_header()}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    return head + body


def _logged_in(server, sub_id):
    client = Client(server.url)
    client.login("zhangmin", "Demo@2026")
    status, page, _ = client.get(f"/makerspace/{sub_id}/edit")
    assert status == 200
    return client, int(VERSION_RE.search(page).group(1))


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """One deployment for the module: each test kills the server and leaves it restarted."""
    root = tmp_path_factory.mktemp("kill")
    ini, url, storage = make_site(root, "sqlite:///" + str(root / "kjgl.sqlite"))
    srv = Server(ini, root / "server.log").start()
    yield srv, url, storage
    srv.stop()


def _edit_after_restart(server, url, storage, sub_id):
    """The draft is still there and a normal 暂存 with a file works."""
    server.start()
    client, version = _logged_in(server, sub_id)
    body, ctype = multipart(dict(evaluation_sample(address="天津市和平区南京路219号"), csrf_token=client.csrf,
                                 version=str(version), action="save"),
                            [("signature", "签章页.pdf", "application/pdf", fake_pdf(20_000))])
    status, _, headers = client.request("POST", f"/makerspace/{sub_id}/edit", body, ctype)
    assert status == 303, status
    sub, data, rows = _state(url, storage)
    assert data["address"] == "天津市和平区南京路219号" and sub.version == version + 1 and len(rows) >= 1


def test_kill_while_the_request_body_is_arriving_changes_nothing(deployment):
    server, url, storage = deployment
    files_before = _stored_files(storage)
    before_sub, before_data, before_rows = _state(url, storage)
    client, version = _logged_in(server, before_sub.id)
    raw = _save_request(client, before_sub.id, version, fake_pdf(UPLOAD_BYTES))
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(raw[: len(raw) // 2])
        time.sleep(0.3)
        server.kill()

    sub, data, rows = _state(url, storage)
    assert (sub.version, sub.state, data, rows) == (before_sub.version, before_sub.state, before_data, before_rows)
    assert _stored_files(storage) == files_before  # not a byte of the half upload was kept
    _edit_after_restart(server, url, storage, before_sub.id)


def test_kill_while_the_app_stores_the_upload_is_all_or_nothing(deployment):
    server, url, storage = deployment
    before_sub, before_data, before_rows = _state(url, storage)
    files_before = set(_stored_files(storage))
    client, version = _logged_in(server, before_sub.id)
    upload = fake_pdf(UPLOAD_BYTES)
    raw = _save_request(client, before_sub.id, version, upload)
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(raw)
        # kill as soon as the bytes reach the storage directory, before or
        # around the commit of the transaction that references them
        deadline = time.monotonic() + 30
        while set(_stored_files(storage)) == files_before and time.monotonic() < deadline:
            time.sleep(0.002)
        assert set(_stored_files(storage)) != files_before, "the upload never reached the storage directory"
        server.kill()

    sub, data, rows = _state(url, storage)
    new_rows = rows[len(before_rows):]
    assert rows[:len(before_rows)] == before_rows
    if new_rows:  # committed before the kill: everything of the save is there
        assert sub.version == before_sub.version + 1 and data["address"] == NEW_ADDRESS
        assert [r.size for r in new_rows] == [len(upload)]
    else:  # killed before the commit: the previous draft, untouched
        assert (sub.version, data) == (before_sub.version, before_data)
    _edit_after_restart(server, url, storage, before_sub.id)
