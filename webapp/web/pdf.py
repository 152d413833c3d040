"""The paragraph styles every PDF of the app uses (the plan van aanpak, the AVG access document)."""
from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet


def pdf_styles() -> dict:
    """Headings, body text, labels and small print in Helvetica."""
    base = getSampleStyleSheet()
    return {"h1": ParagraphStyle("h1", parent=base["Heading1"], fontName="Helvetica-Bold", fontSize=18),
            "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName="Helvetica-Bold", fontSize=13),
            "tekst": ParagraphStyle("tekst", parent=base["BodyText"], fontName="Helvetica", fontSize=11,
                                    leading=15),
            "label": ParagraphStyle("label", parent=base["BodyText"], fontName="Helvetica-Bold", fontSize=10,
                                    leading=14),
            "klein": ParagraphStyle("klein", parent=base["BodyText"], fontName="Helvetica", fontSize=9)}
