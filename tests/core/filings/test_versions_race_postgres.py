"""Two generations of the same application at the same moment, each in a
real transaction of its own on PostgreSQL: two different numbers, both
larger than any number given before, and each file carries its own."""
import datetime as dt
import io
import zipfile

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kjgl.core import factories
from kjgl.core.accounts.models import User
from kjgl.core.audit.models import AuditEvent
from kjgl.core.attachments.storage import DirectoryStorage
from kjgl.core.documents.models import GeneratedDocument
from kjgl.core.filings.versions import DocumentVersion, record_version
from kjgl.core.organisations.models import Organisation
from kjgl.core.review import services as review
from kjgl.core.review.models import Batch, Submission
from kjgl.core.testing import race

from ..exports.sample_application import snapshot

pytestmark = pytest.mark.postgres


@pytest.fixture
def committed_world(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the two-transaction race runs on PostgreSQL (KJGL_TEST_DATABASE_URL)")
    with Session(engine) as s, s.begin():
        org = factories.organisation(s, name="版本号并发测试众创空间运营公司")
        applicant = factories.user(s, "individual", organisation=org)
        batch = review.open_batch(s, "docs-race", 2031, dt.date(2099, 1, 1), applicant)
        sub = review.create_draft(s, module_key="docs-race", kind="docs-race", batch=batch, organisation=org,
                                  applicant=applicant, title="版本号并发测试", today=dt.date(2031, 1, 1))
        ids = dict(sub=sub.id, user=applicant.id, org=org.id, batch=batch.id)
    yield ids
    with Session(engine) as s, s.begin():
        documents = s.scalars(select(DocumentVersion.generated_document_id)
                              .where(DocumentVersion.submission_id == ids["sub"])).all()
        s.execute(delete(DocumentVersion).where(DocumentVersion.submission_id == ids["sub"]))
        # the generations' audit records: the session-wide database's audit chain starts empty for the tests after
        s.execute(delete(AuditEvent).where(AuditEvent.user_id == ids["user"]))
        s.execute(delete(GeneratedDocument).where(GeneratedDocument.id.in_(documents)))
        s.execute(delete(Submission).where(Submission.id == ids["sub"]))
        s.execute(delete(Batch).where(Batch.id == ids["batch"]))
        s.execute(delete(User).where(User.organisation_id == ids["org"]))
        s.execute(delete(Organisation).where(Organisation.id == ids["org"]))


def test_two_generations_at_once_get_two_increasing_numbers(engine, committed_world, tmp_path):
    w = committed_world
    storage = DirectoryStorage(str(tmp_path / "files"))

    def generate(s, ready=lambda: None):
        user = s.get(User, w["user"])
        ready()  # both have read before either allocates
        version, body = record_version(s, submission_id=w["sub"], actor=user, snapshot=snapshot(), storage=storage)
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            header = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
        return version.number, header

    with Session(engine) as s, s.begin():
        before, _ = generate(s)
    outcomes = race(engine, generate, generate)
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    numbers = [number for number, _ in outcomes]
    assert len(set(numbers)) == 2
    assert all(int(n[1:]) > int(before[1:]) for n in numbers)
    for number, header in outcomes:
        assert f"版本号：{number}" in header and all(other not in header for other in numbers if other != number)
    with Session(engine) as s:
        stored = s.scalars(select(DocumentVersion.number).where(DocumentVersion.submission_id == w["sub"])
                           .order_by(DocumentVersion.id)).all()
    assert stored[0] == before and sorted(stored[1:]) == sorted(numbers)
    with Session(engine) as s, s.begin():
        after, _ = generate(s)
    assert int(after[1:]) > max(int(n[1:]) for n in numbers)
