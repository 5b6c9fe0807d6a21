"""国家备案众创空间申报系统."""


def includeme(config):
    config.add_route("national_record.home", "/national-record/")
    config.scan(".views")
