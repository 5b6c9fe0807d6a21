"""Chinese fonts in python-docx documents.

Word picks the font of a character by its script: ``w:ascii``/``w:hAnsi``
for Latin text, ``w:eastAsia`` for Chinese. python-docx's ``font.name`` sets
only the Latin ones, so Chinese text would fall back to whatever the reader's
Word guesses (often a Latin font with substituted glyphs). These helpers set
both, on the document defaults and on every run a builder creates.
"""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

SONG = "宋体"
HEI = "黑体"
FANGSONG = "仿宋"
LATIN = "Times New Roman"

# 字号 (Chinese type sizes) in points
ERHAO = 22.0  # 二号
XIAOER = 18.0  # 小二
SANHAO = 16.0  # 三号
XIAOSAN = 15.0  # 小三
SIHAO = 14.0  # 四号
XIAOSI = 12.0  # 小四
WUHAO = 10.5  # 五号
XIAOWU = 9.0  # 小五


def _set_rfonts(rpr, east_asia: str, ascii: str) -> None:
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), ascii)
    fonts.set(qn("w:hAnsi"), ascii)
    fonts.set(qn("w:cs"), ascii)
    fonts.set(qn("w:eastAsia"), east_asia)
    # a theme font attribute would override the explicit names
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def set_run_font(run, east_asia: str = SONG, ascii: str = LATIN, size_pt: float | None = None,
                 bold: bool | None = None):
    """Give ``run`` its Chinese (``east_asia``) and Latin (``ascii``) fonts,
    and optionally a size in points and bold. Returns the run."""
    _set_rfonts(run._element.get_or_add_rPr(), east_asia, ascii)
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.font.bold = bold
    return run


def set_style_font(document, east_asia: str = SONG, ascii: str = LATIN, size_pt: float = XIAOSI) -> None:
    """Make ``east_asia``/``ascii`` the fonts of the document defaults and of
    the Normal style (which every other style and table inherits), and mark
    the East-Asian language as Simplified Chinese so Word lays out Chinese
    punctuation and line breaks the Chinese way."""
    normal = document.styles["Normal"]
    _set_rfonts(normal.element.get_or_add_rPr(), east_asia, ascii)
    normal.font.size = Pt(size_pt)
    rpr_default = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr_default is not None:
        _set_rfonts(rpr_default, east_asia, ascii)
        lang = rpr_default.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr_default.append(lang)
        lang.set(qn("w:eastAsia"), "zh-CN")
