"""The auditor's pages (role auditor, read-only): find a case, its full history as a timeline, verify its hash
chain, export it (JSON with the hashes, or a printable document), replay it step by step, and who opened what (R29).

`blueprint.py` holds the blueprint and the head every page about one case shares; the pages are in `views.py`
(search, history, check, export), `replay.py` (the stepper), `access.py` (the access log, the check of all
chains) and `avg.py` (the resident's access document, JSON or PDF by `avg_pdf.py`). What they show is read by
`vroegsignalering.queries` (audit_cases, audit_search, access_log, chains); every page that shows a case's history
goes through `vroegsignalering.services.audit` (the access document: `services.avg`), which writes the access log
entry in the same transaction as the read. Nothing here changes a case: the only POSTs an auditor has are logging
out and the access document (a read posted to keep the BSN out of URLs).
"""
from __future__ import annotations


def init_app(app) -> None:
    from webapp.audit import access, avg, replay, views  # noqa: F401  (their routes hang on the blueprint)
    from webapp.audit.blueprint import STATUS_LABELS, bp
    from webapp.audit.history import actor_label, datum_tijd, kind_label
    from webapp.audit.labels import EMPTY, key_label, text_value

    app.jinja_env.globals.update(audit_kind_label=kind_label, audit_actor=actor_label, audit_tijd=datum_tijd,
                                 audit_status=lambda s: STATUS_LABELS.get(s, s), audit_action=access.action_label,
                                 audit_key=key_label, audit_text=text_value, audit_leeg=EMPTY)
    app.register_blueprint(bp)
