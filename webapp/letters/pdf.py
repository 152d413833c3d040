"""Letters as one PDF, a page per letter (A4, DejaVu Sans embedded so every name prints as written): the sender, the
address block in the window position, the date and case number, the title and the paragraphs."""
from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from vroegsignalering.services.letters import Letter
from webapp.web.pdf import pdf_styles


def letters_pdf(letters: list[Letter], compress: bool = True) -> bytes:
    """One page (or more, for a long letter) per letter, in the given order."""
    styles = pdf_styles()
    story = []
    for index, letter in enumerate(letters):
        if index:
            story.append(PageBreak())
        sender = letter.afzender[:1].upper() + letter.afzender[1:]
        story += [Paragraph(escape(sender), styles["label"]), Spacer(1, 18 * mm),
                  Paragraph("<br/>".join(escape(line) for line in letter.adresblok), styles["tekst"]),
                  Spacer(1, 14 * mm), Paragraph(escape(letter.datum), styles["tekst"]),
                  Paragraph(escape(f"Zaaknummer {letter.case_id}"), styles["klein"]), Spacer(1, 8 * mm),
                  Paragraph(escape(letter.titel), styles["h2"])]
        story += [Paragraph(_text(p), styles["tekst"]) for p in letter.alineas]
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title="Brieven" if len(letters) != 1 else letters[0].titel,
                            author=letters[0].afzender if letters else "Vroeg", lang="nl-NL",
                            pageCompression=1 if compress else 0)
    doc.build(story)
    return buffer.getvalue()


def _text(text: str) -> str:
    paragraph = escape(text).replace("\r\n", "\n")
    return paragraph.replace("\n", "<br/>")
