"""The demo data (kjgl demo): an operator with three carriers and one
application in each state, the submitted ones with their proofs and the
version they were submitted with."""
from sqlalchemy import func, select

from kjgl.core import demo
from kjgl.core.attachments.models import Attachment
from kjgl.core.filings import tabbed
from kjgl.core.plugin_host import build_plugin_manager
from kjgl.core.review.models import Submission
from kjgl.core.testing import base_settings
from kjgl.plugins.national_record import models
from kjgl.plugins.national_record.schemas import FILING


def test_demo_has_three_carriers_and_an_application_in_each_state(dbsession, database_url, tmp_path):
    settings = base_settings(database_url, **{"kjgl.agency_tree": "national tianjin chongqing",
                                              "kjgl.storage_dir": str(tmp_path)})
    pm = build_plugin_manager(["national_record"])
    demo.load(dbsession, settings, pm)
    demo.load(dbsession, settings, pm)  # idempotent
    assert dbsession.scalar(select(func.count()).select_from(models.Carrier)) == 3
    subs = list(dbsession.scalars(select(Submission).where(Submission.module_key == "national_record")))
    assert sorted(s.state for s in subs) == ["approved", "draft", "returned", "submitted"]
    for sub in subs:
        if sub.state != "draft":
            assert sub.document_number and tabbed.problems(dbsession, FILING, sub) == []
    assert dbsession.scalar(select(func.count()).select_from(Attachment)) > 0
