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
    """After ``config.commit()``: a request class holding the registered
    request properties and methods, registered as the request factory.
    The registry keeps its extensions, so a request made elsewhere
    (``pyramid.scripting.prepare`` with a request of its own) still gets
    them the usual way; :func:`router_skips_extensions` spares the router's
    requests, which are of this class already."""
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
    registry["kjgl.folded_extensions"] = extensions


def router_skips_extensions(app) -> None:
    """The router's requests come from the folded class: nothing to apply per
    request (unless an extension was added after the fold)."""
    folded = app.registry.get("kjgl.folded_extensions")
    if folded is not None and app.request_extensions is folded \
            and app.request_factory is app.registry.queryUtility(IRequestFactory):
        app.request_extensions = None
