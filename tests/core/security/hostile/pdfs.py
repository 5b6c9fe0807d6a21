"""PDFs built in the test: a real one (pypdf's writer), an encrypted one and
broken ones."""
import io

from pypdf import PdfWriter

from kjgl.core.testing import valid_pdf  # noqa: F401  (re-exported for the hostile-input tests)




def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    whole = valid_pdf(3)
    return whole[: len(whole) // 2]


# the magic bytes of a PDF and nothing that a reader could open
GARBAGE_PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


# --- PDFs with active content: what a reviewer's reader would run or open ---

def _pdf(build) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(writer, **entries):
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    action = DictionaryObject({NameObject(k if k.startswith("/") else "/" + k):
                               NameObject(v) if v.startswith("/") else TextStringObject(v)
                               for k, v in entries.items()})
    return writer._add_object(action)


def _set(target, key, value):
    from pypdf.generic import NameObject

    target[NameObject(key)] = value


def javascript_pdf() -> bytes:
    """Document-level JavaScript: the catalog's /Names /JavaScript tree."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    def build(w):
        script = _action(w, S="/JavaScript", JS="app.alert('kjgl');")
        tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("kjgl"), script])})
        _set(w._root_object, "/Names", DictionaryObject({NameObject("/JavaScript"): w._add_object(tree)}))
    return _pdf(build)


def open_action_launch_pdf() -> bytes:
    return _pdf(lambda w: _set(w._root_object, "/OpenAction", _action(w, S="/Launch", F="calc.exe")))


def open_action_javascript_pdf() -> bytes:
    return _pdf(lambda w: _set(w._root_object, "/OpenAction", _action(w, S="/JavaScript", JS="app.alert(1)")))


def embedded_file_pdf() -> bytes:
    return _pdf(lambda w: w.add_attachment("说明.exe", b"MZ\x90\x00 not really a program"))


def page_additional_action_pdf() -> bytes:
    from pypdf.generic import DictionaryObject, NameObject

    def build(w):
        _set(w.pages[0], "/AA", DictionaryObject({NameObject("/O"): _action(w, S="/URI", URI="http://x.example/")}))
    return _pdf(build)


def launch_link_pdf() -> bytes:
    from pypdf.annotations import Link
    from pypdf.generic import NameObject

    def build(w):
        link = Link(rect=(50, 50, 200, 80), url="http://example.org/")
        link[NameObject("/A")] = _action(w, S="/Launch", F="cmd.exe")
        w.add_annotation(0, link)
    return _pdf(build)


def escaped_name_javascript_pdf() -> bytes:
    """JavaScript whose names are spelt with #-escapes (/J#61vaScript), which a
    byte search for "/JavaScript" would miss."""
    return javascript_pdf().replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


def harmless_open_at_page_pdf() -> bytes:
    """What LaTeX and many tools write: open at the first page, fit to window; and a web link."""
    from pypdf.annotations import Link
    from pypdf.generic import ArrayObject, NameObject

    def build(w):
        _set(w._root_object, "/OpenAction", ArrayObject([w.pages[0].indirect_reference, NameObject("/Fit")]))
        w.add_annotation(0, Link(rect=(50, 50, 200, 80), url="https://www.most.gov.cn/"))
    return _pdf(build)
