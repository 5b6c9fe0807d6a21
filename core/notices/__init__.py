"""通知公告 (see services.py for who a notice reaches)."""


def includeme(config):
    config.include(".views")
