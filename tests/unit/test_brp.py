"""The BRP adapters: the bundled fixture and Haal Centraal over HTTP (against a local server, no network)."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from vroegsignalering.brp import (
    BUNDLED_FIXTURE, BrpError, FixtureBrp, HaalCentraalBrp, bsn_valid, is_deceased, make_brp,
)

BY_BSN = "RaadpleegMetBurgerservicenummer"
BY_ADDRESS = "ZoekMetPostcodeEnHuisnummer"


@pytest.fixture(scope="module")
def fixture_brp():
    return FixtureBrp()


def ask(brp, **request):
    return brp.personen(request)


# --- the bundled fixture -----------------------------------------------------------------------------------

def test_fixture_is_believable(fixture_brp):
    persons = fixture_brp.persons
    bsns = [p["burgerservicenummer"] for p in persons]
    assert 38 <= len(persons) <= 50 and len(set(bsns)) == len(bsns)
    assert all(bsn_valid(b) and b.startswith("9999") for b in bsns)  # the range RvIG keeps for tests
    municipalities = [p["gemeenteVanInschrijving"]["code"] for p in persons]
    assert municipalities.count("0363") >= 35 and len(set(municipalities)) >= 4
    assert sum(is_deceased(p) for p in persons) == 1
    names = [p["naam"] for p in persons]
    assert any(n.get("voorvoegsel") == "van der" for n in names)
    assert any(not n["geslachtsnaam"].isascii() for n in names)
    assert any(n["aanduidingNaamgebruik"]["code"] != "E" for n in names)  # someone uses a partner's name


def test_consult_by_bsn_returns_the_fields_asked_for(fixture_brp):
    answer = ask(fixture_brp, type=BY_BSN, burgerservicenummer=["999990068", "999990172", "123456782"],
                 fields=["burgerservicenummer", "naam.geslachtsnaam", "naam.voorvoegsel", "partners.naam.voornamen"])
    assert answer["type"] == BY_BSN
    anna, henk = answer["personen"]
    assert anna == {"burgerservicenummer": "999990068", "naam": {"geslachtsnaam": "Berg", "voorvoegsel": "van der"}}
    # the deceased are found by BSN; automatic fields (opschortingBijhouding) come without asking
    assert henk["partners"] == [{"naam": {"voornamen": "Geertruida"}}]
    assert henk["opschortingBijhouding"]["reden"]["code"] == "O"


def test_search_by_address_leaves_out_the_deceased_unless_asked(fixture_brp):
    request = dict(type=BY_ADDRESS, postcode="1094 la", huisnummer=480, fields=["burgerservicenummer"])
    assert [p["burgerservicenummer"] for p in ask(fixture_brp, **request)["personen"]] == ["999990184"]
    request["inclusiefOverledenPersonen"] = True
    assert [p["burgerservicenummer"] for p in ask(fixture_brp, **request)["personen"]] == ["999990172", "999990184"]


def test_search_by_address_is_narrowed_by_letter_and_addition_only_when_given(fixture_brp):
    base = dict(type=BY_ADDRESS, postcode="1018GW", huisnummer=410, fields=["burgerservicenummer", "naam"])
    assert len(ask(fixture_brp, **base)["personen"]) == 2
    [lotte] = ask(fixture_brp, huisnummertoevoeging="a", **base)["personen"]
    assert lotte["naam"]["voornamen"] == "Lotte"
    # a search returns PersoonBeperkt: no address even when asked for
    [person] = ask(fixture_brp, huisnummertoevoeging="B", **dict(base, fields=["naam", "verblijfplaats"]))["personen"]
    assert set(person) == {"naam"}


def test_search_by_surname_and_birth_date(fixture_brp):
    answer = ask(fixture_brp, type="ZoekMetGeslachtsnaamEnGeboortedatum", geslachtsnaam="boer", voorvoegsel="de",
                 geboortedatum="1992-10-10", fields=["burgerservicenummer"])
    assert answer["personen"] == [{"burgerservicenummer": "999990202"}]
    answer = ask(fixture_brp, type="ZoekMetGeslachtsnaamEnGeboortedatum", geslachtsnaam="Fern*",
                 geboortedatum="1983-03-19", fields=["burgerservicenummer"])
    assert answer["personen"] == [{"burgerservicenummer": "999990329"}]


def test_filter_on_municipality(fixture_brp):
    answer = ask(fixture_brp, type=BY_BSN, burgerservicenummer=["999990226", "999990007"],
                 gemeenteVanInschrijving="0363", fields=["burgerservicenummer"])
    assert answer["personen"] == [{"burgerservicenummer": "999990007"}]


@pytest.mark.parametrize("request_body, message", [
    ({"type": "ZoekMetNaamEnGemeenteVanInschrijving", "fields": ["naam"]}, "not supported"),
    ({"type": BY_BSN, "fields": ["naam"]}, "misses burgerservicenummer"),
    ({"type": BY_ADDRESS, "postcode": "1094HM", "huisnummer": 112}, "misses fields"),
    (["not", "an", "object"], "must be an object"),
])
def test_malformed_requests_are_refused(fixture_brp, request_body, message):
    with pytest.raises(BrpError, match=message):
        fixture_brp.personen(request_body)


def test_fixture_file_must_hold_a_list(tmp_path):
    path = tmp_path / "brp.json"
    path.write_text('{"personen": []}')
    with pytest.raises(BrpError):
        FixtureBrp(path)


# --- Haal Centraal over HTTP -------------------------------------------------------------------------------

class FakeBrpApi(BaseHTTPRequestHandler):
    """Answers POST /haalcentraal/api/brp/personen from the fixture; 401 without the right key."""

    requests: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeBrpApi.requests.append({"path": self.path, "key": self.headers.get("X-API-KEY"),
                                    "content_type": self.headers.get("Content-Type"), "body": body})
        if self.headers.get("X-API-KEY") != "geheim":
            return self._answer(401, {"title": "Niet correct geauthenticeerd.", "status": 401})
        if body.get("fields") == ["kapot"]:  # a gateway that answers with an HTML page
            return self._raw(200, b"<html>oops</html>")
        return self._answer(200, FixtureBrp().personen(body))

    def _answer(self, status, document):
        self._raw(status, json.dumps(document).encode(), "application/json; charset=utf-8")

    def _raw(self, status, payload, content_type="text/html"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def api_url():
    FakeBrpApi.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeBrpApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/haalcentraal/api/brp"
    server.shutdown()
    server.server_close()
    thread.join()


def test_haal_centraal_posts_the_query_and_returns_the_answer(api_url):
    brp = HaalCentraalBrp(api_url, "geheim")
    answer = brp.personen({"type": BY_ADDRESS, "postcode": "1094HM", "huisnummer": 112,
                           "fields": ["burgerservicenummer"]})
    assert answer == {"type": BY_ADDRESS, "personen": [{"burgerservicenummer": b} for b in
                                                       ("999990007", "999990019", "999990020")]}
    [sent] = FakeBrpApi.requests
    assert sent["path"] == "/haalcentraal/api/brp/personen" and sent["key"] == "geheim"
    assert sent["content_type"].startswith("application/json")
    assert sent["body"]["type"] == BY_ADDRESS


def test_haal_centraal_errors_are_brp_errors(api_url):
    query = {"type": BY_BSN, "burgerservicenummer": ["999990007"], "fields": ["naam"]}
    with pytest.raises(BrpError, match="401: Niet correct geauthenticeerd."):
        HaalCentraalBrp(api_url + "/personen", "fout").personen(query)
    with pytest.raises(BrpError, match="no JSON"):
        HaalCentraalBrp(api_url, "geheim").personen(dict(query, fields=["kapot"]))
    with pytest.raises(BrpError, match="misses fields"):
        HaalCentraalBrp(api_url, "geheim").personen({"type": BY_BSN, "burgerservicenummer": ["999990007"]})
    assert len(FakeBrpApi.requests) == 2  # a malformed query never leaves


def test_haal_centraal_unreachable():
    # A closed port on the loopback interface: refused at once, no network needed.
    with pytest.raises(BrpError, match="not reachable"):
        HaalCentraalBrp("http://127.0.0.1:9/brp", timeout=2).personen(
            {"type": BY_BSN, "burgerservicenummer": ["999990007"], "fields": ["naam"]})


def test_only_http_urls():
    with pytest.raises(ValueError):
        HaalCentraalBrp("file:///etc/passwd")


def test_make_brp_picks_the_adapter_from_settings(tmp_path):
    class Settings:
        def __init__(self, **extra):
            self.extra = extra

    assert isinstance(make_brp(Settings()), FixtureBrp) and make_brp(Settings()).path == BUNDLED_FIXTURE
    own = tmp_path / "eigen.json"
    own.write_text("[]")
    assert make_brp(Settings(brp_fixture=str(own))).personen(
        {"type": BY_BSN, "burgerservicenummer": ["999990007"], "fields": ["naam"]})["personen"] == []
    remote = make_brp(Settings(brp_url="https://brp.example.nl/haalcentraal/api/brp", brp_api_key="k"))
    assert isinstance(remote, HaalCentraalBrp)
    assert (remote.url, remote.api_key) == ("https://brp.example.nl/haalcentraal/api/brp/personen", "k")
