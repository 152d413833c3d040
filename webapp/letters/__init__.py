"""Letters and cards: the process owner's template pages (`templates.py`) and printing letters for one case or a
worklist selection (`printing.py`)."""
from __future__ import annotations


def init_app(app) -> None:
    from webapp.letters import printing, templates  # noqa: F401  (their routes hang on the blueprint)
    from webapp.letters.blueprint import bp

    app.register_blueprint(bp)
    app.jinja_env.globals.update(brief_keuzes=printing.letter_choices)
