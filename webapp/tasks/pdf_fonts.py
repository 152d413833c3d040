"""The PDF documents' font: DejaVu Sans, embedded, so every name prints as written ("Yıldız", "Łukasz", "Nguyễn").

reportlab's standard fonts know only Latin-1 (WinAnsi): anything else became a black box. The two TrueType files in
`webapp/tasks/fonts/` are DejaVu Sans 2.37 as Debian's fonts-dejavu-core ships them; their licence (Bitstream Vera,
DejaVu's changes public domain: free to use, embed and redistribute) is `webapp/tasks/fonts/LICENSE-DejaVu.txt`.
reportlab embeds the subset of glyphs a document uses, with a ToUnicode map, so the text can be searched and copied.
"""
from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS = Path(__file__).parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"


def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (regular, bold) with reportlab once; returns their names."""
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    return REGULAR, BOLD
