"""站内消息 and e-mail notifications (see services.py for who hears of what)."""


def includeme(config):
    config.include(".views")
