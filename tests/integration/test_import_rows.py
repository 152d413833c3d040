"""`vroeg import signalen`: every row is its own unit. A row with non-ASCII digits, a date in year 1, a NUL byte or
a superscript house number, a line that is no JSON or CSV, a line in another encoding, or an error nobody foresaw:
each is reported with its row and a Dutch reason, the rows after it are imported, the run ends with the counts,
the import is in the system history, and no traceback is printed."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.models import Event
from vroegsignalering import importer
from vroegsignalering.services import imports
from vroegsignalering.models import Signaal
from vroegsignalering.services.partners import find_partner, register_partner

HEADER = ("externeReferentie,soort,bedrag,signaaldatum,sociaalIncasso.herinneringVerstuurd,"
          "sociaalIncasso.persoonlijkContactGezocht,sociaalIncasso.gewezenOpSchuldhulp,"
          "sociaalIncasso.aangebodenGegevensDoorTeGeven,client.burgerservicenummer,client.voornamen,"
          "client.achternaam,client.geboortedatum,client.huisnummer,client.postcode")


def row(reference: str, *, bsn: str = "", naam: str = "Zoë", achternaam: str = "Jansen",
        geboren: str = "1999-12-01", huisnummer: str = "45", postcode: str = "1093BS") -> str:
    return f"{reference},betalingsachterstand,\"450,00\",2026-11-20,ja,ja,ja,ja,{bsn},{naam},{achternaam},{geboren}," \
           f"{huisnummer},{postcode}"


NASTY_ROWS = [
    row("R-1"),
    row("R-2", bsn="999990081".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))),
    row("R-3", geboren="0001-01-01"),
    row("R-4", achternaam="Jan\x00sen"),
    row("R-5", huisnummer="²"),
    row("R-6", bsn="999990081".translate(str.maketrans("0123456789", "０１２３４５６７８９"))),
    row("R-7", postcode="1055EB", huisnummer="150"),
]


@pytest.fixture
def cli(vroeg_shipped):
    assert vroeg_shipped("partner", "add", "--naam", "Woonstad", "--type", "Huur").exit_code == 0
    return vroeg_shipped


def signals(engine) -> list[str]:
    with engine.uow() as uow:
        return sorted(uow.session.scalars(select(Signaal.externe_referentie)))


def import_events(engine) -> list[dict]:
    with engine.uow() as uow:
        return [e.data for e in uow.session.scalars(select(Event).where(Event.kind == "signalen_geimporteerd")
                                                    .order_by(Event.id))]


def test_nasty_rows_are_refused_one_by_one_and_the_rest_is_imported(cli, engine, tmp_path):
    path = tmp_path / "signalen.csv"
    path.write_bytes(("\n".join([HEADER, *NASTY_ROWS]) + "\n").encode("utf-8"))
    result = cli("import", "signalen", str(path), "--partner", "Woonstad")
    out = result.stdout + result.stderr
    assert result.exit_code == 1 and "Traceback" not in out
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "rij 1 R-1: nieuw" and lines[6] == "rij 7 R-7: nieuw"
    assert lines[1] == "rij 2 R-2: geweigerd: client.burgerservicenummer: Geen geldig burgerservicenummer " \
                       "(9 cijfers, 11-proef)."
    assert lines[2] == "rij 3 R-3: geweigerd: client.geboortedatum: Geef een datum vanaf 1900-01-01."
    assert lines[3].startswith("rij 4 R-4: geweigerd: client.achternaam: Bevat een teken dat niet kan worden "
                               "opgeslagen")
    assert lines[4] == "rij 5 R-5: geweigerd: client.huisnummer: Geef een geheel getal."
    assert lines[5].startswith("rij 6 R-6: geweigerd: client.burgerservicenummer")
    assert lines[-1] == "7 rows: 2 nieuw, 0 al ontvangen, 5 geweigerd"
    assert signals(engine) == ["R-1", "R-7"]
    assert import_events(engine) == [{"bestand": "signalen.csv", "partner": "Woonstad", "nieuw": 2,
                                      "al ontvangen": 0, "geweigerd": 5}]


def test_an_error_nobody_foresaw_costs_one_row_not_the_run(vs, monkeypatch, caplog):
    register_partner(vs, "Woonstad", "Huur", actor="test")
    sender = find_partner(vs, "Woonstad")
    real = imports.receive

    def flaky(engine, partner_id, payload, actor):
        if payload["externe_referentie"] == "R-2":
            raise ZeroDivisionError("a bug")
        return real(engine, partner_id, payload, actor=actor)

    monkeypatch.setattr(imports, "receive", flaky)
    records = importer.read_csv("\n".join([HEADER, row("R-1"), row("R-2"), row("R-3", postcode="1055EB",
                                                                                 huisnummer="150")]))
    results = imports.import_signals(vs, sender, records, actor="test")
    assert [r.result for r in results] == ["nieuw", "geweigerd", "nieuw"]
    assert "niet verwerkt door een fout in Vroeg (foutnummer" in results[1].reasons[0]
    error_id = results[1].reasons[0].split("foutnummer ")[1].split(")")[0]
    assert any(error_id in r.getMessage() for r in caplog.records)
    assert signals(vs) == ["R-1", "R-3"]


def test_a_broken_element_of_a_json_list_is_one_rejected_row(cli, engine, tmp_path):
    good = [{"externeReferentie": f"J-{n}", "soort": "betalingsachterstand", "bedrag": 450, "signaaldatum":
             "2026-11-20", "sociaalIncasso": {"herinneringVerstuurd": True, "persoonlijkContactGezocht": True,
                                              "gewezenOpSchuldhulp": True, "aangebodenGegevensDoorTeGeven": True},
             "client": {"achternaam": "Jansen", "huisnummer": 45 + n, "postcode": "1093BS"}} for n in range(3)]
    lines = [json.dumps(g) for g in good]
    lines.insert(1, '{"externeReferentie": "J-kapot", "soort": }')
    lines.insert(3, '{"externeReferentie": "J-nul", "soort": "betalingsachterstand", "client": '
                    '{"achternaam": "Jan\\u0000sen", "huisnummer": 1, "postcode": "1093BS"}}')
    path = tmp_path / "signalen.json"
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    result = cli("import", "signalen", str(path), "--partner", "Woonstad")
    assert result.exit_code == 1 and "Traceback" not in result.stdout + result.stderr
    report = result.stdout.strip().splitlines()
    assert report[1].startswith("rij 2 -: geweigerd: regel 3: geen geldige JSON (Expecting value")
    assert report[3].startswith("rij 4 J-nul: geweigerd: ")
    assert "client.achternaam: Bevat een teken dat niet kan worden opgeslagen" in report[3]
    assert report[-1] == "5 rows: 3 nieuw, 0 al ontvangen, 2 geweigerd"
    assert signals(engine) == ["J-0", "J-1", "J-2"]
    jsonl = tmp_path / "signalen2.json"
    jsonl.write_text(lines[0].replace("J-0", "L-0") + "\nniet json\n\n" + lines[2].replace("J-1", "L-1") + "\n")
    result = cli("import", "signalen", str(jsonl), "--partner", "Woonstad")
    assert result.stdout.strip().splitlines() == [
        "rij 1 L-0: nieuw", "rij 2 -: geweigerd: regel 2: geen geldige JSON (Expecting value, kolom 1)",
        "rij 3 L-1: nieuw", "3 rows: 2 nieuw, 0 al ontvangen, 1 geweigerd"]


def test_a_line_in_another_encoding_is_one_rejected_row(cli, engine, tmp_path):
    utf8 = [HEADER, row("E-1"), row("E-3", postcode="1055EB", huisnummer="150")]
    latin1 = row("E-2", naam="Zoë", huisnummer="46").encode("latin-1")
    path = tmp_path / "gemengd.csv"
    path.write_bytes(b"\n".join([utf8[0].encode(), utf8[1].encode(), latin1, utf8[2].encode()]) + b"\n")
    result = cli("import", "signalen", str(path), "--partner", "Woonstad")
    assert result.stdout.strip().splitlines() == [
        "rij 1 E-1: nieuw", "rij 2 -: geweigerd: regel 3 is geen UTF-8-tekst", "rij 3 E-3: nieuw",
        "3 rows: 2 nieuw, 0 al ontvangen, 1 geweigerd"]
    with engine.uow() as uow:
        assert uow.session.scalar(select(Signaal.voornamen).where(Signaal.externe_referentie == "E-1")) == "Zoë"
    windows = tmp_path / "excel.csv"  # a whole file in Windows-1252 is still read as such
    windows.write_bytes("\n".join([HEADER, row("W-1")]).encode("cp1252"))
    assert cli("import", "signalen", str(windows), "--partner", "Woonstad").stdout.startswith("rij 1 W-1: nieuw")
    with engine.uow() as uow:
        assert uow.session.scalar(select(Signaal.voornamen).where(Signaal.externe_referentie == "W-1")) == "Zoë"


def test_a_line_the_csv_reader_cannot_read_is_one_rejected_row(cli, engine, tmp_path):
    huge = row("C-2", achternaam="x" * 200_000)
    path = tmp_path / "signalen.csv"
    path.write_text("\n".join([HEADER, row("C-1"), huge, row("C-3", postcode="1055EB", huisnummer="150")]) + "\n",
                    encoding="utf-8")
    result = cli("import", "signalen", str(path), "--partner", "Woonstad")
    report = result.stdout.strip().splitlines()
    assert result.exit_code == 1 and "Traceback" not in result.stdout + result.stderr
    assert report[0] == "rij 1 C-1: nieuw" and report[-1].endswith("1 geweigerd")
    assert report[1].startswith("rij 2 -: geweigerd: regel 3: geen geldige CSV (field larger than field limit")
    assert "C-3" in signals(engine)
