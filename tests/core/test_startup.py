"""Start-up costs (issue 9): compiled templates are kept in the deployment's
var directory and reused by the next start; no argon2 run and no Word,
Excel or captcha library import at start."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from kjgl.core.testing import base_settings

# a start of the production app in a process of its own, reporting how many
# templates Chameleon had to compile (a cache miss) and how many it served
START = textwrap.dedent("""
    import json, sys
    import chameleon.template
    compiled = []
    original = chameleon.template.BaseTemplate._compile
    def spy(self, body, builtins):
        compiled.append(str(self.filename))
        return original(self, body, builtins)
    chameleon.template.BaseTemplate._compile = spy
    from kjgl.core import main, warmup
    settings = json.loads(sys.argv[1])
    app = main({}, **settings)
    heavy = [name for name in ("docx", "xlsxwriter", "captcha.image") if name in sys.modules]
    print(json.dumps({"compiled": len(compiled), "templates": len(warmup.template_specs(["kjgl.core"])),
                      "heavy": heavy}))
""")


def start(settings) -> dict:
    out = subprocess.run([sys.executable, "-c", START, json.dumps(settings)], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_second_start_compiles_no_template(tmp_path):
    cache = tmp_path / "var" / "templates"
    settings = base_settings("sqlite:///" + str(tmp_path / "s.sqlite"), **{"kjgl.template_cache": str(cache)})
    first = start(settings)
    assert first["compiled"] >= first["templates"] > 10
    assert len(list(cache.glob("*.py"))) >= first["templates"]
    second = start(settings)
    assert second["compiled"] == 0
    # the Word, Excel and captcha libraries are imported by the first request that needs them
    assert second["heavy"] == []


def test_an_edited_template_is_compiled_again(tmp_path, monkeypatch):
    """The cache is keyed by the template's text: a changed file never runs
    an old module."""
    import chameleon.template
    from chameleon.zpt.template import PageTemplateFile

    from kjgl.core import warmup

    monkeypatch.setattr(chameleon.template.BaseTemplate, "loader", chameleon.template.BaseTemplate.loader)
    assert warmup.use_template_cache(str(tmp_path / "cache"))
    page = tmp_path / "page.pt"
    page.write_text("<p>${'一'}</p>", encoding="utf-8")
    assert PageTemplateFile(str(page))() == "<p>一</p>"
    page.write_text("<p>${'二'}</p>", encoding="utf-8")
    assert PageTemplateFile(str(page))() == "<p>二</p>"
    assert len(list((tmp_path / "cache").glob("*.py"))) == 2


def test_an_unusable_cache_directory_is_reported_and_the_app_starts(tmp_path, monkeypatch, caplog):
    import chameleon.template

    from kjgl.core import main

    monkeypatch.setattr(chameleon.template.BaseTemplate, "loader", chameleon.template.BaseTemplate.loader)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings = base_settings("sqlite:///" + str(tmp_path / "u.sqlite"),
                             **{"kjgl.template_cache": str(blocker / "templates")})
    with caplog.at_level("WARNING", logger="kjgl.core.warmup"):
        main({}, **settings)
    assert "kjgl.template_cache" in caplog.text and "unusable" in caplog.text


def test_the_unknown_account_hash_costs_what_a_real_one_does():
    """Logins of unknown accounts verify against a hash of the configured
    cost (so timing does not tell), built without an argon2 run at start."""
    import argon2

    from kjgl.core.accounts import passwords

    dummy = argon2.extract_parameters(passwords._DUMMY)
    real = argon2.extract_parameters(passwords.hash_password("Passw0rd!"))
    assert (dummy.time_cost, dummy.memory_cost, dummy.parallelism, dummy.type) == \
        (real.time_cost, real.memory_cost, real.parallelism, real.type)
    assert not passwords.verify_password(None, "Passw0rd!")
    with pytest.raises(argon2.exceptions.VerifyMismatchError):
        argon2.PasswordHasher().verify(passwords._DUMMY, "")


def test_a_filings_schema_is_built_once_per_process(make_app):
    """The form schema, field list and slots of a declared filing are derived
    once, not at every access (a save reads the schema several times)."""
    filing = make_app().app.registry["kjgl.filings"]["makerspace"]
    assert filing.schema is filing.schema
    assert filing.fields is filing.fields and filing.all_slots is filing.all_slots
    assert list(filing.schema.by_name) == [f.name for f in filing.fields]
