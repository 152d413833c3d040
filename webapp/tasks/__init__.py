"""Task forms for counsellors and coordinators, `GET/POST /taken/<id>` (`views.py`), rendered from the form
definitions of the case's process version (`form_render.py`), and the plan van aanpak as a page and a PDF
(`plan_document.py`). `blueprint.py` holds the blueprint, `header.py` the case header both show."""
from __future__ import annotations


def init_app(app) -> None:
    from webapp.tasks import forward_file, handover_dossier, plan_document, views  # noqa: F401  (routes on bp)
    from webapp.tasks.blueprint import bp

    app.register_blueprint(bp)
