"""The plan van aanpak (R22) as a document: `GET /zaken/<id>/plan-van-aanpak` (HTML, printable) and
`GET /zaken/<id>/plan-van-aanpak.pdf` (reportlab,
DejaVu Sans embedded: see pdf_fonts.py).

Two copies from the same data: one for the resident in plain Dutch (B1: short sentences, "u", what we agreed,
who does what and when, how to reach the municipality), one for the file (every answer of the first conversation
and the plan, case number, counsellor, dates). The data are the completed `plan_van_aanpak` and `eerste_gesprek`
tasks as the case history recorded them. Both views are written to the access log.
"""
from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from xml.sax.saxutils import escape

from flask import Response, g, render_template
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from engine.errors import UnknownCase
from engine.roles import COORDINATOR, HULPVERLENER
from vroegsignalering.services import plans
from vroegsignalering.services.plans import GESPREK, PLAN, Plan
from vroegsignalering.services.tasks import Actor

from webapp.web.context import current_engine
from webapp.web.formatting import bedrag, datum
from webapp.web.pages import page_for
from webapp.web.pdf import pdf_styles
from webapp.tasks.blueprint import bp
from webapp.tasks.pdf_fonts import register_fonts

AANPAK_UITLEG = {
    "quick_fix": ("We lossen de achterstand samen op, binnen 30 dagen. In die 30 dagen mag de organisatie waar u "
                  "de achterstand hebt geen incassokosten maken: dat heet de incassostop."),
    "overdracht": ("U krijgt hulp van een andere organisatie. Uw hulpverlener brengt u persoonlijk met hen in "
                   "contact. U hoeft uw verhaal niet opnieuw te vertellen."),
}


@bp.get("/zaken/<int:case_id>/plan-van-aanpak")
@page_for(HULPVERLENER, COORDINATOR)
def plan_van_aanpak(case_id: int):
    """Both copies of the plan as one printable page."""
    plan = load_plan(case_id, "plan_bekeken")
    if not isinstance(plan, Plan):
        return plan
    return render_template("tasks/plan_van_aanpak.html", plan=plan, inwoner=resident_sections(plan),
                           dossier=file_sections(plan), vandaag=current_engine().clock.now())


@bp.get("/zaken/<int:case_id>/plan-van-aanpak.pdf")
@page_for(HULPVERLENER, COORDINATOR)
def plan_van_aanpak_pdf(case_id: int):
    """Both copies as a PDF, each starting on its own page."""
    plan = load_plan(case_id, "plan_gedownload")
    if not isinstance(plan, Plan):
        return plan
    pdf = build_pdf(plan, current_engine().clock.now())
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="plan-van-aanpak-zaak-{case_id}.pdf"'})


def load_plan(case_id: int, action: str):
    """The plan of a case (the service records the access), or a Dutch 404 page when the case or its plan is
    missing."""
    try:
        return plans.open_plan(current_engine(), Actor(g.user.username, g.user.role), case_id, action)
    except UnknownCase:
        return _not_found(case_id, f"Zaak {case_id} bestaat niet.")
    except plans.NoPlan:
        return _not_found(case_id, "Deze zaak heeft nog geen plan van aanpak. Het plan komt er als de taak "
                                   "'Plan van aanpak opstellen' is afgerond.", case_exists=True)


def _not_found(case_id: int, message: str, case_exists: bool = False):
    return render_template("tasks/plan_van_aanpak.html", missing=message, case_id=case_id,
                           case_exists=case_exists), 404


# --- the two copies, as (heading, paragraphs) for both HTML and PDF -------------------------------------------

def resident_sections(plan: Plan) -> list[tuple[str, list[str]]]:
    """The resident's copy in plain Dutch, section by section."""
    data, gesprek_at = plan.plan.data, (plan.gesprek.at if plan.gesprek else plan.plan.at)
    sections = [("Waarom u dit krijgt", [
        f"Op {datum(gesprek_at)} hebben we met u gesproken over uw betalingsachterstand.",
        "In dit plan staat wat we samen hebben afgesproken. Bewaar het goed."])]
    if data.get("analyse"):
        sections.append(("Wat we samen hebben bekeken", [data["analyse"]]))
    sections.append(("Wat we hebben afgesproken", [data.get("afspraken") or ""]))
    aanpak = [AANPAK_UITLEG[data["aanpak"]]] if data.get("aanpak") in AANPAK_UITLEG else []
    if data.get("aanpak") == "quick_fix" and plan.incassostop_einde:
        aanpak.append(f"De incassostop loopt tot en met {datum(plan.incassostop_einde)}.")
    if aanpak:
        sections.append(("Hoe we verder gaan", aanpak))
    sections.append(("Vragen?", _contact_lines(plan)))
    return sections


def _contact_lines(plan: Plan) -> list[str]:
    """The counsellor by full name (and phone number) when an administrator entered them, then how to reach the
    municipality, with only what is known: never an empty field, never an account name as a person's name."""
    org = plan.organisatie
    lines = []
    if plan.hulpverlener_naam:
        lines.append(f"Uw hulpverlener is {plan.hulpverlener_naam}."
                     + (f" U bereikt uw hulpverlener op {plan.hulpverlener_telefoon}."
                        if plan.hulpverlener_telefoon else ""))
    who = org["contact_naam"] or org["naam"] or "de gemeente"
    reach = [f"bel {org['contact_telefoon']}" if org["contact_telefoon"] else "",
             f"mail naar {org['contact_email']}" if org["contact_email"] else ""]
    reach = [r for r in reach if r]
    if reach:
        lines.append(f"Hebt u vragen? Of lukt een afspraak niet? Neem dan contact op met {who}: "
                     f"{' of '.join(reach)}.")
    else:
        lines.append(f"Hebt u vragen? Of lukt een afspraak niet? Neem dan contact op met {who}.")
    lines.append(f"Noem dan uw zaaknummer: {plan.header.case_id}. Dan weten we meteen over wie het gaat.")
    if org["naam"] and org["naam"] != who:
        lines.append(org["naam"])
    lines.extend(org[name] for name in ("contact_adres", "contact_website") if org.get(name))
    return lines


def file_sections(plan: Plan) -> list[tuple[str, list[tuple[str, str]]]]:
    """The file's copy: the case, then every answer of the first conversation and of the plan, labelled."""
    h = plan.header
    zaak = [("Zaaknummer", str(h.case_id)), ("Inwoner", h.naam or "onbekend"),
            ("Adres", ", ".join(p for p in (h.adres, h.woonplaats) if p) or "onbekend"),
            ("Signalen", "; ".join(f"{t}: {s}" + (f" ({bedrag(b)})" if b is not None else "")
                                   for t, s, b in h.signalen) or "geen"),
            ("Zaak aangemaakt", datum(h.aangemaakt)),
            ("Hulpverlener", f"{plan.hulpverlener_naam} ({plan.plan.by})" if plan.hulpverlener_naam else plan.plan.by),
            ("Plan vastgesteld op", datum(plan.plan.at))]
    if plan.gesprek:
        zaak.insert(-1, ("Eerste gesprek op", datum(plan.gesprek.at)))
    if plan.incassostop_einde:
        zaak.append(("Incassostop tot en met", datum(plan.incassostop_einde)))
    sections = [("Zaak", zaak)]
    if plan.gesprek and GESPREK in plan.forms:
        sections.append(("Analyse uit het eerste gesprek", answers(plan.forms[GESPREK], plan.gesprek.data)))
    if PLAN in plan.forms:
        sections.append(("Plan van aanpak", answers(plan.forms[PLAN], plan.plan.data)))
    return sections


def answers(definition: dict, data: dict) -> list[tuple[str, str]]:
    """(label, shown value) of each field of a form, in the form's order; empty answers as 'niet ingevuld'."""
    return [(f["label"], display_value(f, data.get(f["name"])) or "niet ingevuld") for f in definition["fields"]]


def display_value(spec: dict, value) -> str:
    """A stored answer the way a person reads it: choice labels, ja/nee, Dutch dates and amounts."""
    if value is None or value == "" or value == []:
        return ""
    labels = {c["value"]: c["label"] for c in spec.get("choices", [])}
    kind = spec["type"]
    if kind == "boolean":
        return "ja" if value else "nee"
    if kind == "choice":
        return labels.get(value, str(value))
    if kind == "multichoice":
        return "; ".join(labels.get(v, str(v)) for v in value)
    if kind == "date":
        try:
            return datum(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if kind == "bedrag":
        return bedrag(value)
    return str(value)


def build_pdf(plan: Plan, printed_at: datetime, compress: bool = True) -> bytes:
    """Both copies as a PDF (A4, DejaVu Sans embedded); the file copy on a new page, the print date in the footer
    of every page (so no page holds only that line)."""
    styles = pdf_styles()
    h = plan.header
    address = "<br/>".join(escape(p) for p in (h.naam, h.adres, h.woonplaats) if p)
    story = [Paragraph(address, styles["tekst"]), Spacer(1, 8 * mm)] if address else []
    story += [Paragraph("Uw plan van aanpak", styles["h1"]),
              Paragraph(escape(f"Zaak {h.case_id}"), styles["klein"])]
    for heading, paragraphs in resident_sections(plan):
        story.append(Paragraph(escape(heading), styles["h2"]))
        story.extend(Paragraph(_pdf_text(text), styles["tekst"]) for text in paragraphs)
    story += [PageBreak(), Paragraph("Plan van aanpak Vroegsignalering — dossierexemplaar", styles["h1"])]
    for heading, rows in file_sections(plan):
        story.append(Paragraph(escape(heading), styles["h2"]))
        table = Table([[Paragraph(escape(k), styles["label"]), Paragraph(_pdf_text(v), styles["tekst"])]
                       for k, v in rows], colWidths=(55 * mm, 115 * mm))
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey)]))
        story.append(table)
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=f"Plan van aanpak zaak {plan.header.case_id}",
                            author=plan.organisatie.get("naam") or "Vroeg", lang="nl-NL",
                            pageCompression=1 if compress else 0)
    footer = f"Zaak {h.case_id} · afgedrukt op {datum(printed_at)}"

    def draw_footer(canvas, document):
        canvas.saveState()
        canvas.setFont(register_fonts()[0], 8)
        canvas.drawString(20 * mm, 12 * mm, footer)
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, f"pagina {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()


def _pdf_text(text: str) -> str:
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")
