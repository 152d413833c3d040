"""The administrator's pages `/beheer`: the start page (`index.py`), staff accounts (`users.py`), municipalities
(`gemeenten.py`, their closed days `sluitingsdagen.py`), signal partners (`partners.py`) and the registers
(`registers.py`), all on the one blueprint of `blueprint.py`."""
from webapp.beheer.blueprint import bp


def init_app(app) -> None:
    # imported for their routes, which they add to bp
    from webapp.beheer import gemeenten, index, partners, registers, sluitingsdagen, users  # noqa: F401

    app.register_blueprint(bp)
