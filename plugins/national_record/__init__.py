"""国家备案众创空间申报 (seed 003): a declaration over the core's document engine."""

PREFIX = "/national-record"


def includeme(config):
    from .schemas import FILING

    config.add_route("national_record.home", f"{PREFIX}/")
    config.add_route("national_record.carrier_new", f"{PREFIX}/carriers/new")
    config.add_route("national_record.carrier_edit", f"{PREFIX}/carriers/{{id:\\d{{1,9}}}}/edit")
    config.add_route("national_record.new", f"{PREFIX}/new")
    config.add_route("national_record.pledge_template", f"{PREFIX}/{{id:\\d{{1,9}}}}/pledge-template.docx")
    config.include_filing(FILING, PREFIX)
    config.scan(".views")
