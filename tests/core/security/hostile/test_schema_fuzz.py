"""Every declared form schema survives hostile input: ``validate`` never
raises, and every problem is a Chinese message keyed by a field name.

Schemas are found by walking the code base (module-level ``Schema`` and
``FilingType`` objects, and the functions that build a ``Schema``), so a new
form is fuzzed without being listed here."""
import importlib
import inspect
import pkgutil
import re
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings

import kjgl.core
import kjgl.plugins
from kjgl.core.audit.services import EVENTS
from kjgl.core.filings.types import FilingType
from kjgl.core.filings.tables import DetailTable
from kjgl.core.forms import Schema

from .payloads import hostile_dicts

CHINESE = re.compile(r"[\u4e00-\u9fff]")
SKIP_MODULES = (".migrations", ".testing", ".tests")

# the functions that build a schema for a request's circumstances, with sample arguments
FACTORIES = {
    "kjgl.core.admin.schemas.staff_schema": lambda f: f(["tj", "tj-d01", "tj-d02"]),
    "kjgl.core.audit.schemas.filter_schema": lambda f: f(sorted(EVENTS)),
    "kjgl.core.grants.schemas.profile_schema": lambda f: f(SimpleNamespace(id_type="身份证")),
    "kjgl.core.filings.review_views.batch_schema": lambda f: f(_national_filing()),
    "kjgl.core.organisations.schemas.profile_schema": lambda f: f(
        "天津测试科技有限公司", ["和平区", "河东区"], "天津市", lambda code: code == "tj-d01"),
    # 申报事项: the year choices (and 兑付日期's latest day) follow today
    **{f"kjgl.plugins.enterprise_registry.declaration_services.{name}": lambda f: f()
       for name in ("rating_form", "voucher_form", "redeem_form")},
}


def _national_filing():
    from kjgl.plugins.national_record.schemas import FILING
    return FILING


def _modules():
    for package in (kjgl.core, kjgl.plugins):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if any(part in info.name for part in SKIP_MODULES):
                continue
            yield importlib.import_module(info.name)


def declared():
    """(name, schema) for every schema in the code base; and the names of
    schema-building functions without an entry in FACTORIES."""
    found, unknown = {}, set()

    def add(where, schema, built=False):
        # a schema imported elsewhere keeps the name of the module declaring it
        if id(schema) not in found or (".schemas." in where and not built):
            found[id(schema)] = (where, schema)

    for module in _modules():
        for attr, value in vars(module).items():
            where = f"{module.__name__}.{attr}"
            if isinstance(value, Schema):
                add(where, value)
            elif isinstance(value, FilingType):
                add(where, value)
            elif isinstance(value, DetailTable):  # a detail table's row
                add(where, Schema(*value.columns))
            elif (inspect.isfunction(value) and value.__module__ == module.__name__
                  and inspect.signature(value).return_annotation in ("Schema", Schema)):
                if where in FACTORIES:
                    add(where, FACTORIES[where](value), built=True)
                else:
                    unknown.add(where)
    schemas = [(where, value.schema if isinstance(value, FilingType) else value)
               for where, value in found.values()]
    return sorted(schemas, key=lambda item: item[0]), unknown


SCHEMAS, UNKNOWN_FACTORIES = declared()


def test_the_walk_finds_the_forms_of_the_brief():
    names = {name for name, _ in SCHEMAS}
    for expected in ("kjgl.core.accounts.registration_schemas.LEGAL",
                     "kjgl.core.accounts.registration_schemas.INDIVIDUAL",
                     "kjgl.core.organisations.schemas.profile_schema",
                     "kjgl.core.admin.schemas.staff_schema",
                     "kjgl.core.audit.schemas.filter_schema",
                     "kjgl.core.grants.schemas.RESIDENT_ID",
                     "kjgl.plugins.makerspace.schemas.FILING",
                     "kjgl.plugins.incubator.schemas.FILING",
                     "kjgl.plugins.national_record.schemas.FILING",
                     "kjgl.plugins.national_record.schemas.TEAMS"):
        assert expected in names
    # a new schema-building function needs sample arguments above
    assert UNKNOWN_FACTORIES == set()


def check_result(schema, result):
    assert isinstance(result.errors, dict)
    for name, message in result.errors.items():
        assert isinstance(name, str) and name in schema.by_name, name
        assert isinstance(message, str) and CHINESE.search(message), (name, message)
    assert set(result.data) <= set(schema.by_name)


@pytest.mark.parametrize("name, schema", SCHEMAS, ids=[name.replace("kjgl.", "") for name, _ in SCHEMAS])
def test_validate_never_raises_and_speaks_chinese(name, schema):
    choices = tuple({c for f in schema for c in f.choices})

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.data_too_large])
    @given(hostile_dicts([f.name for f in schema], choices))
    def fuzz(raw):
        for partial in (False, True):
            check_result(schema, schema.validate(raw, partial=partial))

    fuzz()


@pytest.mark.parametrize("name, schema", SCHEMAS, ids=[name.replace("kjgl.", "") for name, _ in SCHEMAS])
def test_missing_everything_names_every_required_field(name, schema):
    result = schema.validate({})
    check_result(schema, result)
    for f in schema:
        if f.required and f.kind != "checkbox" and f.applies({}):
            assert f.name in result.errors, f.name
    assert schema.validate({}, partial=True).errors == {}
