from kjgl.core import main
from kjgl.core.testing import base_settings


def test_the_production_app_compiles_every_template_before_serving(tmp_path):
    """Every template of the core and the enabled plugins compiles (a broken
    one stops start-up here rather than failing a request later)."""
    from kjgl.core import warmup

    seen = []
    original = warmup.compile_templates

    def spy(registry):
        count = original(registry)
        seen.append(count)
        return count

    warmup.compile_templates = spy
    try:
        main({}, **base_settings("sqlite:///" + str(tmp_path / "w.sqlite")))
    finally:
        warmup.compile_templates = original
    specs = warmup.template_specs(["kjgl.core"])
    assert "kjgl.core:templates/layout.pt" in specs and "kjgl.core:templates/filings/form.pt" in specs
    assert seen and seen[0] >= len(specs)
