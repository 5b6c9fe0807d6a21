"""Generated documents (Word and Excel exports) and the integrity of stored
files: every export is written to storage with its SHA-256 recorded, and
generated documents and attachments alike are served only after the stored
bytes are checked against that hash (:mod:`.integrity`). ``kjgl storage
sweep`` (:mod:`.sweep`) removes unfinished uploads, unreferenced files and
generated documents past their retention."""


def note_view_permission(view, info):
    """Keep the permission of the view serving the request on the request, so
    a document made by an export records the permission it was made under
    (downloading it again needs that permission still)."""
    permission = info.options.get("permission")

    def noted(context, request):
        request.view_permission = permission
        return view(context, request)

    return noted


def includeme(config):
    config.add_view_deriver(note_view_permission)
    config.add_route("documents.mine", "/documents")
    config.add_route("document.download", "/documents/{id:\\d{1,9}}")
    config.scan(".views")
