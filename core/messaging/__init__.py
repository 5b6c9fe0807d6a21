from .senders import bind, build_senders, mail_for  # noqa: F401


def includeme(config):
    settings = config.get_settings()
    sms, mail = build_senders(settings)
    config.registry["kjgl.sms"] = sms
    config.registry["kjgl.mail"] = mail
    config.include(".views")
