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
