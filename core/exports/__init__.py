"""Document and list exports shared by every subsystem: filings as Word
documents (:mod:`.docx_builder`), tabbed applications with their version
number on every page (:mod:`.application_docx`), Word to PDF by LibreOffice
(:mod:`.pdf`), stored files as one zip (:mod:`.zip_builder`), lists as Excel
workbooks (:mod:`.xlsx_builder`), and the Chinese font helpers (:mod:`.fonts`).
The builders make bytes or a file; a view hands them to
:func:`kjgl.core.documents.services.export`, which keeps them with their
SHA-256 and serves them verified."""
