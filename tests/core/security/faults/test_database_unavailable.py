"""The database connection goes away under a running ``kjgl serve`` on
PostgreSQL: the request is retried on a fresh connection (pyramid_retry) or
fails with a plain 503 page, the next request works, nothing is lost."""
import threading
import time

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from kjgl.core.attachments.models import Attachment
from kjgl.core.review.models import Submission
from kjgl.plugins.makerspace.models import MakerspaceEvaluation
from kjgl.plugins.makerspace.samples import evaluation_sample

from .conftest import FAULTS_DB, fresh_postgres, make_site, needs_postgres, postgres_url
from .support import VERSION_RE, Client, Server, fake_pdf, multipart

pytestmark = [needs_postgres, pytest.mark.postgres]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    root = tmp_path_factory.mktemp("dbdown")
    ini, url, storage = make_site(root, fresh_postgres())
    srv = Server(ini, root / "server.log").start()
    # from the server's maintenance database: a database cannot refuse connections to itself
    admin = create_engine(make_url(postgres_url()).set(database="postgres"), isolation_level="AUTOCOMMIT")
    yield srv, url, admin
    srv.stop()
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{FAULTS_DB}" ALLOW_CONNECTIONS true'))
    admin.dispose()


def _terminate_app_connections(admin, state: str | None = None) -> int:
    where = "datname = :d AND pid <> pg_backend_pid()" + (" AND state = :s" if state else "")
    with admin.connect() as conn:
        return len(conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {where}"),
                                {"d": FAULTS_DB, "s": state}).all())


def _draft(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        sub = conn.execute(select(Submission.id, Submission.version).where(Submission.module_key == "makerspace")).one()
        data = conn.scalar(select(MakerspaceEvaluation.data).where(MakerspaceEvaluation.submission_id == sub.id))
        files = conn.scalar(select(text("count(*)")).select_from(Attachment))
    engine.dispose()
    return sub, data, files


def _edit(client, sub_id):
    status, page, _ = client.get(f"/makerspace/{sub_id}/edit")
    assert status == 200, status
    return int(VERSION_RE.search(page).group(1))


def _save(client, sub_id, version, address, files=()):
    body, ctype = multipart(dict(evaluation_sample(address=address), csrf_token=client.csrf, version=str(version),
                                 action="save"), files)
    return client.request("POST", f"/makerspace/{sub_id}/edit", body, ctype)


def test_connections_killed_between_requests_are_replaced(deployment):
    server, url, admin = deployment
    sub, _, _ = _draft(url)
    client = Client(server.url)
    client.login("zhangmin", "Demo@2026")
    version = _edit(client, sub.id)
    assert _terminate_app_connections(admin) >= 1

    version = _edit(client, sub.id)  # retried on a fresh connection
    assert _terminate_app_connections(admin) >= 1
    status, _, _ = _save(client, sub.id, version, "天津市和平区南京路1号")
    assert status == 303
    after, data, _ = _draft(url)
    assert data["address"] == "天津市和平区南京路1号" and after.version == version + 1


def test_connection_killed_during_a_save_loses_nothing(deployment):
    server, url, admin = deployment
    sub, before, files_before = _draft(url)
    client = Client(server.url)
    client.login("zhangmin", "Demo@2026")
    version = _edit(client, sub.id)
    killed = []

    def kill_when_busy():
        deadline = time.monotonic() + 20
        while not killed and time.monotonic() < deadline:
            killed.extend([1] * _terminate_app_connections(admin, "idle in transaction"))
            time.sleep(0.001)

    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    status, page, _ = _save(client, sub.id, version, "天津市和平区南京路2号",
                            [("signature", "签章页.pdf", "application/pdf", fake_pdf(6 * 1024 * 1024))])
    killed.append("done")
    killer.join()
    assert killed[0] == 1, "no connection was killed during the request"
    assert status in (303, 503), status
    assert "Traceback" not in page
    after, data, files = _draft(url)
    if status == 303:  # the retry saved everything once
        assert (data["address"], after.version, files) == ("天津市和平区南京路2号", version + 1, files_before + 1)
    else:
        assert "数据库暂时不可用" in page
        assert (data, after.version, files) == (before, version, files_before)
    _edit(client, sub.id)  # the next request works


def test_database_refusing_connections_gives_a_503_page_then_recovers(deployment):
    server, url, admin = deployment
    sub, before, _ = _draft(url)
    client = Client(server.url)
    client.login("zhangmin", "Demo@2026")
    version = _edit(client, sub.id)
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{FAULTS_DB}" ALLOW_CONNECTIONS false'))
    try:
        _terminate_app_connections(admin)
        status, page, headers = _save(client, sub.id, version, "天津市和平区南京路3号")
        assert status == 503
        assert "数据库暂时不可用" in page and "Traceback" not in page and "sqlalchemy" not in page.lower()
        status, page, _ = client.get(f"/makerspace/{sub.id}/edit")
        assert status == 503
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{FAULTS_DB}" ALLOW_CONNECTIONS true'))
    assert _draft(url)[1] == before
    status, _, _ = _save(client, sub.id, version, "天津市和平区南京路3号")
    assert status == 303
    assert _draft(url)[1]["address"] == "天津市和平区南京路3号"
