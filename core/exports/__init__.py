"""Document and list exports shared by every subsystem: filings as Word
documents (:mod:`.docx_builder`), lists as Excel workbooks
(:mod:`.xlsx_builder`), and the Chinese font helpers (:mod:`.fonts`)."""
