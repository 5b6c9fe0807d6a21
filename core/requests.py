"""The request class of the application, with the request properties the
features add (``config.add_request_method(..., reify=True)``) on the class.

Pyramid applies such properties to every request by making a new subclass of
the request class per request (``InstancePropertyHelper.apply_properties``);
every request then starts with cold attribute caches on a class that is
garbage after the response. Measured in one process on the portal
(``bench/README.md``): folding them into one class made once at start-up saves
the class creation and its garbage collection on every request.
"""
from __future__ import annotations

from pyramid.interfaces import IRequestExtensions, IRequestFactory
from pyramid.request import Request


def fold_request_extensions(config) -> None:
    """After ``config.commit()``: move the registered request properties and
    methods onto one request class and register it as the request factory,
    leaving Pyramid nothing to apply per request. Requests made anywhere
    from the registry (the router, ``pyramid.scripting.prepare``) are of it."""
    config.commit()
    registry = config.registry
    extensions = registry.queryUtility(IRequestExtensions)
    if extensions is None or not (extensions.methods or extensions.descriptors):
        return
    base = registry.queryUtility(IRequestFactory, default=Request)
    if not isinstance(base, type):
        return  # a factory function: leave Pyramid's per-request way alone
    attrs = {**extensions.methods, **dict(extensions.descriptors), "__module__": __name__}
    registry.registerUtility(type("KjglRequest", (base,), attrs), IRequestFactory)
    extensions.methods = {}
    extensions.descriptors = {}
