"""The paragraph styles every PDF of the app uses (the plan van aanpak, the AVG access document), in DejaVu Sans
embedded (webapp/tasks/pdf_fonts.py), so every name prints as written."""
from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

from webapp.tasks.pdf_fonts import register_fonts


def pdf_styles() -> dict:
    """Headings, body text, labels and small print."""
    base = getSampleStyleSheet()
    regular, bold = register_fonts()
    return {"h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=bold, fontSize=18),
            "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=13),
            "tekst": ParagraphStyle("tekst", parent=base["BodyText"], fontName=regular, fontSize=11, leading=15),
            "label": ParagraphStyle("label", parent=base["BodyText"], fontName=bold, fontSize=10, leading=14),
            "klein": ParagraphStyle("klein", parent=base["BodyText"], fontName=regular, fontSize=9)}
