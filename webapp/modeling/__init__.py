"""The process owner's pages: the versions of each process and viewing one (`views.py`), the draft editor with
modeler, forms, validation and deploy (`drafts.py`), diff, heat map, migration and import (`versions.py`), and
failed cases with their retry (`failures.py`). `blueprint.py` holds the blueprint and what the pages share. Every
view is for the proceseigenaar only (`page_for`)."""
from __future__ import annotations


def init_app(app) -> None:
    from webapp.modeling import (  # noqa: F401  (their routes hang on the blueprint)
        deploy_summary, drafts, failures, simulation, versions, views,
    )
    from webapp.modeling.blueprint import bp

    app.register_blueprint(bp)
