"""SMS and e-mail senders behind one small interface.

``outbox`` (development) keeps each message as a row in ``outbox_message``,
written in the request's transaction and readable on the 开发 outbox page;
``smtp`` sends mail with pyramid_mailer joined to the transaction of the
session it is given (the transaction manager :func:`bind` put in the
session's ``info``), so a rolled-back request sends nothing. A real SMS gateway is a deployment plugin
providing another sender.
"""
from __future__ import annotations

import logging

from ..masking import mobile as mask_mobile
from .models import OutboxMessage

log = logging.getLogger(__name__)

MAIL_KEY, TM_KEY = "kjgl.mail", "kjgl.tm"  # in a session's ``info``


def bind(dbsession, mail, transaction_manager) -> None:
    """Make ``mail`` the sender of what is done in ``dbsession``, joined to
    ``transaction_manager`` (the one the session itself is joined to)."""
    dbsession.info[MAIL_KEY] = mail
    dbsession.info[TM_KEY] = transaction_manager


def mail_for(dbsession):
    """The mail sender bound to the session, or None (demo data, set-up
    scripts: nobody is mailed)."""
    return dbsession.info.get(MAIL_KEY)


class OutboxSms:
    def send(self, dbsession, mobile: str, text: str) -> None:
        dbsession.add(OutboxMessage(channel="sms", recipient=mobile, body=text))
        log.info("SMS to %s kept in outbox", mask_mobile(mobile))


class OutboxMail:
    def send(self, dbsession, to: str, subject: str, body: str) -> None:
        dbsession.add(OutboxMessage(channel="email", recipient=to, subject=subject, body=body))
        log.info("mail to %s kept in outbox", to)


class SmtpMail:
    def __init__(self, settings: dict):
        from pyramid_mailer.mailer import Mailer

        self.mailer = Mailer.from_settings(settings, prefix="mail.")
        self.sender = settings.get("mail.default_sender", "noreply@localhost")

    def send(self, dbsession, to: str, subject: str, body: str) -> None:
        from pyramid_mailer.message import Message

        tm = dbsession.info.get(TM_KEY)
        if tm is None:  # the default thread-local manager is never committed here: the mail would be lost
            raise RuntimeError("e-mail outside a transaction: bind the session first (messaging.bind)")
        self.mailer.bind(transaction_manager=tm).send(
            Message(subject=subject, sender=self.sender, recipients=[to], body=body))


def build_senders(settings: dict):
    sms_kind = settings.get("kjgl.sms_sender", "outbox")
    mail_kind = settings.get("kjgl.mail_sender", "outbox")
    if sms_kind != "outbox":
        raise ValueError(f"kjgl.sms_sender: unknown sender {sms_kind!r} (outbox)")
    if mail_kind == "outbox":
        mail = OutboxMail()
    elif mail_kind == "smtp":
        mail = SmtpMail(settings)
    else:
        raise ValueError(f"kjgl.mail_sender: unknown sender {mail_kind!r} (outbox, smtp)")
    return OutboxSms(), mail
