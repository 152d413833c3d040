"""The AVG access document (vroegsignalering/inzage.py) as a PDF for the resident: the same content as the
JSON, laid out as tables (reportlab, as the plan van aanpak)."""
from __future__ import annotations

import json
from io import BytesIO

from markupsafe import escape
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from webapp.web.pdf import pdf_styles

SKIP = {"id", "case_id", "household_key", "sociaal_incasso"}


def build_inzage_pdf(document: dict, organisation: str, compress: bool = True) -> bytes:
    """One PDF with every part of the access document."""
    styles = pdf_styles()
    story = [Paragraph("Uw gegevens in de vroegsignalering", styles["h1"]),
             Paragraph(escape(f"{organisation} · BSN {document['bsn']} · gemaakt op {document['gemaakt_op'][:10]}"),
                       styles["klein"])]
    if not document["signalen"] and not document["zaken"]:
        story.append(Paragraph("Over dit BSN zijn geen signalen of zaken vastgelegd.", styles["tekst"]))
    for signal in document["signalen"]:
        story.append(Paragraph(escape(f"Signaal {signal['id']} van {signal.get('partner') or 'onbekend'}"),
                               styles["h2"]))
        story.append(_table([(k, v) for k, v in signal.items() if k not in SKIP and v not in (None, "")], styles))
    for case in document["zaken"]:
        story.append(Paragraph(escape(f"Zaak {case['zaak']}"), styles["h2"]))
        zaak = case.get("vroegsignaalzaak") or {}
        story.append(_table([("status", case["status"]), ("aangemaakt op", case["aangemaakt_op"]),
                             ("afgesloten op", case["afgesloten_op"]), ("eindresultaat", zaak.get("eindresultaat")),
                             ("prioriteit", zaak.get("prioriteit")), ("reden prioriteit", zaak.get("prioriteit_reden"))],
                            styles))
        story.append(Paragraph("Contactpogingen", styles["label"]))
        story.append(_table([(c["datum"], f"{c['soort']} {c.get('dagdeel') or ''}: "
                                          f"{'bereikt' if c['bereikt'] else 'niet bereikt'}"
                                          f"{' — ' + c['notitie'] if c.get('notitie') else ''}")
                             for c in case["contactpogingen"]] or [("", "geen")], styles))
        story.append(Paragraph("Historie", styles["label"]))
        story.append(_table([(f"#{e['nr']} {e['op'][:16].replace('T', ' ')}",
                              f"{e['soort']} ({e['door']}) {json.dumps(e['gegevens'], ensure_ascii=False)[:600]}")
                             for e in case["historie"]], styles))
        story.append(Paragraph("Wie de zaak heeft bekeken", styles["label"]))
        story.append(_table([(a["op"][:16].replace("T", " "), f"{a['wie']} ({a['rol']}): {a['wat']}")
                             for a in case["inzage_door_medewerkers"]] or [("", "niemand")], styles))
    for title, key in (("Schuldhulpregistraties", "schuldhulpregistraties"), ("Bezwaren", "bezwaren")):
        if document[key]:
            story.append(Paragraph(title, styles["h2"]))
            for row in document[key]:
                story.append(_table([(k, v) for k, v in row.items() if k != "id"], styles))
    story.append(Spacer(1, 6 * mm))
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm, title="Uw gegevens in de vroegsignalering", author=organisation,
                      lang="nl-NL", pageCompression=1 if compress else 0).build(story)
    return buffer.getvalue()


def _table(rows, styles) -> Table:
    table = Table([[Paragraph(escape(str(k)), styles["label"]), Paragraph(escape("" if v is None else str(v)),
                                                                          styles["tekst"])] for k, v in rows],
                  colWidths=(50 * mm, 120 * mm))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey)]))
    return table
