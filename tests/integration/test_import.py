"""Bulk import (R2): CSV and JSON files checked row by row with the partner API's schema, a per-row report, a
progress bar on stderr, and the municipality's registries."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine.history.audit import SYSTEM_CHAIN
from engine.models import Event
from vroegsignalering import importer
from vroegsignalering.services import imports
from vroegsignalering.models import Bezwaar, SchuldhulpRegistratie, Signaal
from vroegsignalering.services.partners import find_partner, register_partner
from tests.conftest import DATA

FILES = DATA / "import"


def partner(engine, naam: str, kind: str):
    register_partner(engine, naam, kind, actor="test")
    return find_partner(engine, naam)


def run(engine, sender, name: str):
    return imports.import_signals(engine, sender, importer.read_signal_file(FILES / name), actor="test")


def stored(engine, reference: str) -> Signaal:
    with engine.uow() as uow:
        return uow.session.scalar(select(Signaal).where(Signaal.externe_referentie == reference))


# --- the importer ---------------------------------------------------------------------------------------------------

def test_a_csv_is_imported_row_by_row_and_a_bad_row_does_not_stop_the_rest(vs):
    results = run(vs, partner(vs, "Woonstad", "Huur"), "signalen_huur.csv")
    assert [(r.row, r.externe_referentie, r.result) for r in results] == [
        (1, "H-1001", "nieuw"), (2, "H-1002", "nieuw"), (3, "H-1003", "geweigerd"), (4, "H-1004", "nieuw")]
    assert results[2].reasons == ("bedrag: Het bedrag moet groter zijn dan 0.",)
    assert str(results[2]) == "rij 3 H-1003: geweigerd: bedrag: Het bedrag moet groter zijn dan 0."
    first, crisis = stored(vs, "H-1001"), stored(vs, "H-1004")
    assert (first.bedrag, first.postcode, first.huisnummertoevoeging, first.bsn) == \
        (Decimal("912.50"), "1094HM", "2", "999990007")
    assert first.sociaal_incasso["herinnering_verstuurd"] is True and first.crisissignaal is False
    assert (crisis.soort, crisis.crisissignaal, crisis.postcode) == ("ontruiming", True, "1051LH")
    assert stored(vs, "H-1003") is None


def test_a_json_file_is_read_in_the_api_shape_and_each_bad_field_named(vs):
    results = run(vs, partner(vs, "Polderstroom", "Energie"), "signalen_energie.json")
    assert [r.result for r in results] == ["nieuw", "nieuw", "geweigerd"]
    assert set(results[2].reasons) == {
        "bedrag: Geef hoogstens twee decimalen.", "signaaldatum: Geef een bestaande datum als JJJJ-MM-DD.",
        "client.kleur: Dit veld is onbekend.", "product: Dit veld is verplicht.",
        "sociaalIncasso: Dit veld is verplicht."}
    assert stored(vs, "E-77001").bedrag == Decimal("387.20") and stored(vs, "E-77002").product == "gas"


def test_the_cak_baz_list_is_an_import_for_a_cak_partner(vs):
    results = run(vs, partner(vs, "CAK", "CAK Zorgverzekeringen"), "cak_baz.csv")
    assert [r.result for r in results] == ["nieuw"] * 5
    assert stored(vs, "BAZ-2026-11-0001").bedrag == Decimal("1184.40")  # '1.184,40'
    assert stored(vs, "BAZ-2026-11-0001").ontstaansdatum.isoformat() == "2026-04-01"  # '01-04-2026'


def test_importing_the_same_file_again_stores_nothing_new(vs):
    sender = partner(vs, "CAK", "CAK Zorgverzekeringen")
    first = run(vs, sender, "cak_baz.csv")
    with vs.uow() as uow:
        before = uow.session.scalar(select(func.count()).select_from(Event))
    again = run(vs, sender, "cak_baz.csv")
    assert [r.result for r in again] == ["al ontvangen"] * 5
    assert [r.signal_id for r in again] == [r.signal_id for r in first]
    with vs.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Event)) == before


@pytest.mark.parametrize("cell, expected", [
    ("1.234,56", "1234.56"), ("1234,56", "1234.56"), ("1,234.56", "1234.56"), ("€ 12.50", "12.50"), ("80", "80")])
def test_amounts_with_a_decimal_comma_or_point(cell, expected):
    [record] = importer.read_csv(f"bedrag;soort\n{cell};x\n")
    assert record["bedrag"] == expected


def test_csv_cells_become_json_values_and_blank_rows_are_skipped():
    text = ("crisissignaal,sociaalIncasso.herinneringVerstuurd,client.huisnummer,signaaldatum,client.postcode\n"
            "ja,Nee,12,02-11-2026,\n,,,,\nmisschien,true,12a,2026-11-02,1234 AB\n")
    first, blank, third = importer.read_csv(text)
    assert first == {"crisissignaal": True, "sociaalIncasso": {"herinneringVerstuurd": False},
                     "client": {"huisnummer": 12}, "signaaldatum": "2026-11-02"}
    assert blank is None
    assert third["crisissignaal"] == "misschien" and third["client"] == {"huisnummer": "12a", "postcode": "1234 AB"}


def test_an_unknown_column_refuses_the_file(tmp_path):
    path = tmp_path / "signalen.csv"
    path.write_text("externeReferentie,client.iban,rekening\nA,NL00,1\n", encoding="utf-8")
    with pytest.raises(importer.ImportFileError, match="client.iban, rekening"):
        importer.read_signal_file(path)


# --- the command line -----------------------------------------------------------------------------------------------

@pytest.fixture
def cli(vroeg_shipped):
    """`vroeg` with the shipped process deployed."""
    return vroeg_shipped


def test_vroeg_import_signalen_reports_each_row_with_progress_on_stderr(cli):
    assert cli("partner", "add", "--naam", "CAK BAZ", "--type", "CAK Zorgverzekeringen").exit_code == 0
    result = cli("import", "signalen", str(FILES / "cak_baz.csv"), "--partner", "CAK BAZ")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "rij 1 BAZ-2026-11-0001: nieuw" and len(lines) == 6
    assert lines[-1] == "5 rows: 5 nieuw, 0 al ontvangen, 0 geweigerd"
    assert "import cak_baz.csv" in result.stderr and "rij" not in result.stderr
    again = cli("import", "signalen", str(FILES / "cak_baz.csv"), "--partner", "CAK BAZ")
    assert again.exit_code == 0 and again.stdout.strip().splitlines()[-1].endswith("5 al ontvangen, 0 geweigerd")


def test_vroeg_import_signalen_exits_1_when_a_row_was_rejected(cli, engine):
    cli("partner", "add", "--naam", "Woonstad", "--type", "Huur")
    result = cli("import", "signalen", str(FILES / "signalen_huur.csv"), "--partner", "Woonstad")
    assert result.exit_code == 1
    assert "rij 3 H-1003: geweigerd: bedrag: Het bedrag moet groter zijn dan 0." in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "4 rows: 3 nieuw, 0 al ontvangen, 1 geweigerd"
    assert "1 row(s) rejected" in result.stderr
    with engine.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Signaal)) == 3
        event = uow.session.scalars(select(Event).where(Event.kind == "signalen_geimporteerd")).one()
        assert event.chain == SYSTEM_CHAIN
        assert event.data == {"bestand": "signalen_huur.csv", "partner": "Woonstad", "nieuw": 3,
                              "al ontvangen": 0, "geweigerd": 1}


def test_vroeg_import_signalen_bad_usage_and_unreadable_files(cli, tmp_path):
    cli("partner", "add", "--naam", "Woonstad", "--type", "Huur")
    unknown = cli("import", "signalen", str(FILES / "cak_baz.csv"), "--partner", "Niemand")
    assert unknown.exit_code == 2 and "no active partner 'Niemand'" in unknown.stderr
    text = tmp_path / "signalen.txt"
    text.write_text("x")
    assert cli("import", "signalen", str(text), "--partner", "Woonstad").exit_code == 2
    broken = tmp_path / "kapot.json"
    broken.write_text("{kapot")
    result = cli("import", "signalen", str(broken), "--partner", "Woonstad")  # read as JSON Lines: one bad line
    assert result.exit_code == 1 and "rij 1 -: geweigerd: regel 1: geen geldige JSON" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    empty = tmp_path / "leeg.json"
    empty.write_text("  \n")
    result = cli("import", "signalen", str(empty), "--partner", "Woonstad")
    assert result.exit_code == 1 and "empty file" in result.stderr
    assert cli("import", "signalen", str(tmp_path / "weg.csv"), "--partner", "Woonstad").exit_code == 2


# --- registries -----------------------------------------------------------------------------------------------------

def test_vroeg_import_schuldhulp_and_bezwaren_replace_the_registers(cli, engine, tmp_path):
    debt = tmp_path / "schuldhulp.csv"
    debt.write_text("bsn;hulpverlener;startdatum;einddatum\n999990147;j.devries;2025-01-06;\n"
                    "999990299;p.bakker;2024-02-01;2026-08-31\n", encoding="utf-8")
    objections = tmp_path / "bezwaren.csv"
    objections.write_text("bsn,datum,toelichting\n999990251,2026-05-04,Per brief\n", encoding="utf-8")
    result = cli("import", "schuldhulp", str(debt))
    assert result.exit_code == 0 and "2 rows imported" in result.stdout
    assert cli("import", "bezwaren", str(objections)).exit_code == 0
    with engine.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(SchuldhulpRegistratie)) == 2
        assert uow.session.scalar(select(Bezwaar.bsn)) == "999990251"


def test_a_bad_registry_row_imports_nothing_and_is_named(cli, engine, tmp_path):
    debt = tmp_path / "schuldhulp.csv"
    debt.write_text("bsn,hulpverlener,startdatum\n999990147,j.devries,2025-01-06\n123456789,,gisteren\n",
                    encoding="utf-8")
    result = cli("import", "schuldhulp", str(debt))
    assert result.exit_code == 1
    assert "schuldhulp.csv: rij 2: bsn: geen geldig burgerservicenummer" in result.stderr
    with engine.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(SchuldhulpRegistratie)) == 0

