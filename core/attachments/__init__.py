"""Attachments: uploaded files in named slots of an owner, kept in a storage
backend, served only to those the owner type's rules allow."""
from pyramid.events import BeforeRender
from pyramid.renderers import get_renderer

from .owners import add_attachment_owner
from .storage import storage_from_settings

WIDGET = "kjgl.core:templates/attachments/widget.pt"


def _add_widget(event):
    # the ``slot`` macro: <metal:w use-macro="attachment_widget.macros['slot']"/>
    event["attachment_widget"] = get_renderer(WIDGET).implementation()


def includeme(config):
    config.registry["kjgl.storage"] = storage_from_settings(config.get_settings())
    config.add_directive("add_attachment_owner", add_attachment_owner)
    config.add_subscriber(_add_widget, BeforeRender)
    config.add_route("attachment.download", "/files/{id:\\d{1,9}}")
    config.add_route("attachment.delete", "/files/{id:\\d{1,9}}/delete")
    config.scan(".views")
