"""Letter templates are untrusted text: only the documented fields exist, the sandbox stops everything else, and
each refusal is a Dutch sentence naming what is wrong."""
from __future__ import annotations

import pytest

from vroegsignalering.brieven import (DEFAULTS, FIELDS, SAMPLE, TemplateProblem, check_template, contact_sentence,
                                      letter_fields, render_text)


@pytest.mark.parametrize("sleutel", sorted(DEFAULTS))
def test_every_shipped_template_is_valid_and_uses_only_documented_fields(sleutel):
    default = DEFAULTS[sleutel]
    assert check_template(default.titel, default.tekst) == []
    titel, alineas = render_text(default.titel, default.tekst, SAMPLE)
    assert titel and len(alineas) >= 3
    assert "{{" not in " ".join(alineas) and "Y. Yıldız" in alineas[0]


def test_an_unknown_field_is_refused_by_name():
    problems = check_template("Brief", "Beste {{ voornaam }},\n\nUw {{ bsn }} is bekend.")
    assert problems == [f"Het veld „bsn” in de tekst bestaat niet. U kunt gebruiken: {', '.join(FIELDS)}.",
                        f"Het veld „voornaam” in de tekst bestaat niet. U kunt gebruiken: {', '.join(FIELDS)}."]


def test_an_unknown_field_in_the_title_is_named_too():
    assert check_template("Voor {{ iban }}", "Hallo")[0].startswith("Het veld „iban” in de titel bestaat niet.")


def test_a_syntax_error_names_the_line():
    assert check_template("Brief", "Regel een\n\nBeste {{ naam ,") == [
        "In de tekst staat een fout op regel 3: controleer de {{ en }} rond de velden."]


@pytest.mark.parametrize("tekst", [
    "{{ naam.__class__.__mro__ }}",
    "{{ naam.format.__globals__ }}",
    "{{ ''.__class__ }}",
    "{{ naam.bestaat_niet }}",
])
def test_the_sandbox_stops_attribute_tricks(tekst):
    problems = check_template("Brief", tekst)
    assert len(problems) == 1 and problems[0].startswith("De brief gebruikt iets wat niet mag of niet bestaat")


def test_empty_and_too_long_are_refused():
    assert check_template("", "") == ["Vul een titel in.", "Schrijf de tekst van de brief."]
    assert check_template("x" * 121, "y" * 6001) == ["De titel is te lang: hooguit 120 tekens.",
                                                     "De tekst is te lang: hooguit 6000 tekens."]


def test_a_template_that_renders_too_long_is_refused():
    tekst = "{% for i in range(5000) %}{{ naam }} {% endfor %}"
    assert check_template("Brief", tekst) == ["De brief wordt te lang. Maak de tekst korter."]


def test_paragraphs_are_separated_by_blank_lines_and_single_newlines_stay():
    titel, alineas = render_text("Aan {{ naam }}", "Een\ntwee\n\n\n\nDrie", SAMPLE)
    assert titel == "Aan Y. Yıldız" and alineas == ["Een\ntwee", "Drie"]


def test_render_raises_a_dutch_problem():
    with pytest.raises(TemplateProblem) as caught:
        render_text("Brief", "{{ naam.x }}", SAMPLE)
    assert "Gebruik alleen de velden" in caught.value.problems[0]


def test_every_field_has_a_value_even_without_name_or_contact_details():
    fields = letter_fields(naam="", adres="", postcode_woonplaats="", zaaknummer=7, datum="7 december 2026",
                           organisatie={})
    assert set(fields) == set(FIELDS)
    assert all(value.strip() for value in fields.values())
    assert fields["aanhef"] == "Beste bewoner" and fields["contact"] == "Neem contact op met de gemeente."


def test_the_contact_sentence_names_only_what_is_known():
    assert contact_sentence({"naam": "Gemeente Amsterdam", "contact_telefoon": "020 123"}) == \
        "Neem contact op met Gemeente Amsterdam: bel 020 123."
    assert contact_sentence({"contact_naam": "Team Vroeg", "contact_telefoon": "020 123",
                             "contact_email": "v@example.nl"}) == \
        "Neem contact op met Team Vroeg: bel 020 123 of mail naar v@example.nl."
