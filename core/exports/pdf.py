"""A Word document as PDF, by LibreOffice in headless mode.

LibreOffice is optional (``apt-get install libreoffice-writer-nogui
fonts-noto-cjk``): without it :func:`pdf_from_docx` answers None and the
application offers the Word file only. Each conversion runs with a profile
directory of its own (``-env:UserInstallation``), so conversions running at
the same time in several processes do not wait on, or corrupt, one shared
profile; a conversion that hangs is killed with its whole process group
after ``timeout`` seconds.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

DEFAULT_TIMEOUT = 120
PROGRAMS = ("soffice", "libreoffice")


class ConversionFailed(Exception):
    """LibreOffice is installed but did not produce the PDF; ``str(exc)``
    says why, in Chinese, for the page."""


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return next((found for found in map(shutil.which, PROGRAMS) if found), None)


def pdf_from_docx(docx: bytes, *, timeout: float = DEFAULT_TIMEOUT) -> bytes | None:
    """The PDF of the .docx ``docx``; None when LibreOffice is absent;
    :class:`ConversionFailed` when it fails or takes longer than ``timeout``."""
    program = soffice()
    if program is None:
        return None
    with tempfile.TemporaryDirectory(prefix="kjgl-pdf-") as work:
        root = Path(work)
        source = root / "document.docx"
        source.write_bytes(docx)
        command = [program, "--headless", "--norestore", "--nolockcheck",
                   f"-env:UserInstallation={(root / 'profile').as_uri()}",
                   "--convert-to", "pdf", "--outdir", str(root), str(source)]
        # its own session: on timeout the whole group goes (soffice starts
        # soffice.bin as a child, which would otherwise outlive the kill)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True, env={**os.environ, "HOME": work})
        try:
            _, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ConversionFailed(f"PDF生成超时（超过{timeout:g}秒），请稍后重试或下载Word版本") from None
        result = root / "document.pdf"
        if process.returncode != 0 or not result.exists():
            detail = err.decode("utf-8", "replace").strip()[-200:]
            raise ConversionFailed(f"PDF生成失败，请下载Word版本（{detail or '转换程序未生成文件'}）")
        return result.read_bytes()
