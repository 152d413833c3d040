"""Form definitions: checked when loaded; submissions validated with Dutch messages per field."""
import pytest

from engine.definitions.forms import FormDefinitionError, parse_form, validate_submission

FORM = parse_form("""{"title": "Test", "fields": [
  {"name": "naam", "type": "text", "label": "Naam", "required": true, "max_length": 5},
  {"name": "aantal", "type": "number", "label": "Aantal", "min": 0, "max": 10},
  {"name": "bedrag", "type": "bedrag", "label": "Bedrag"},
  {"name": "datum", "type": "date", "label": "Datum"},
  {"name": "ja", "type": "boolean", "label": "Ja?"},
  {"name": "keuze", "type": "choice", "label": "Keuze", "choices": [{"value": "a", "label": "A"}],
   "required_when": {"field": "ja", "equals": true}},
  {"name": "meer", "type": "multichoice", "label": "Meer", "choices": [{"value": "x", "label": "X"},
   {"value": "y", "label": "Y"}]}
]}""", "test")


def test_clean_values_are_json_safe_and_complete():
    cleaned, errors = validate_submission(FORM, {"naam": " Ali ", "aantal": "3", "bedrag": "€ 1.234,56",
                                                 "datum": "2026-11-27", "ja": "nee", "meer": ["x", "y"]})
    assert errors == []
    assert cleaned == {"naam": "Ali", "aantal": 3, "bedrag": "1234.56", "datum": "2026-11-27", "ja": False,
                       "keuze": None, "meer": ["x", "y"]}


@pytest.mark.parametrize("field, value, code", [
    ("naam", "", "required"), ("naam", "te lange naam", "invalid"), ("naam", 5, "invalid"),
    ("aantal", "drie", "invalid"), ("aantal", "11", "invalid"), ("aantal", True, "invalid"),
    ("bedrag", "1,234", "invalid"), ("bedrag", "abc", "invalid"), ("bedrag", "NaN", "invalid"),
    ("datum", "2026-02-30", "invalid"), ("ja", "misschien", "invalid"), ("meer", ["z"], "invalid"),
])
def test_each_bad_field_is_named(field, value, code):
    submitted = {"naam": "Ali", field: value}
    _, errors = validate_submission(FORM, submitted)
    assert [(e.field, e.code) for e in errors] == [(field, code)]
    assert errors[0].reason  # a Dutch sentence for the person filling the form


def test_required_when_and_unknown_fields():
    _, errors = validate_submission(FORM, {"naam": "Ali", "ja": True, "kleur": "rood"})
    assert sorted((e.field, e.code) for e in errors) == [("keuze", "required"), ("kleur", "unknown")]


def test_required_when_one_of_several_answers():
    form = parse_form("""{"title": "Plan", "fields": [
      {"name": "aanpak", "type": "choice", "label": "Aanpak", "required": true,
       "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}, {"value": "c", "label": "C"}]},
      {"name": "uitleg", "type": "text", "label": "Uitleg", "required_when": {"field": "aanpak", "in": ["a", "b"]}}
    ]}""", "plan")
    assert [e.field for e in validate_submission(form, {"aanpak": "b"})[1]] == ["uitleg"]
    assert validate_submission(form, {"aanpak": "c"})[1] == []


def test_not_an_object():
    _, errors = validate_submission(FORM, ["naam"])
    assert errors[0].code == "invalid"


@pytest.mark.parametrize("text, fragment", [
    ("{", "geen geldige JSON"),
    ("[]", "moet een JSON-object zijn"),
    ('{"title": "x", "fields": []}', "'fields' moet een lijst met minstens één veld zijn"),
    ('{"title": "x", "fields": [{"name": "A b", "type": "text", "label": "x"}]}', "'name' moet een naam zijn"),
    ('{"title": "x", "fields": [{"name": "a", "type": "text", "label": "x"}, '
     '{"name": "a", "type": "text", "label": "y"}]}', "de veldnaam 'a' komt twee keer voor"),
    ('{"title": "x", "fields": [{"name": "a", "type": "choice", "label": "x"}]}', "'choices' moet een lijst"),
    ('{"fields": [{"name": "a", "type": "text", "label": "x"}]}', "'title' (de titel) is verplicht"),
    ('{"title": "x", "fields": [{"name": "a", "type": "text", "label": "x", '
     '"required_when": {"field": "b", "equals": 1, "in": [1]}}]}', "'required_when' moet"),
    ('{"title": "x", "fields": [{"name": "a", "type": "text", "label": "x", '
     '"required_when": {"field": "b", "in": "ja"}}]}', "'required_when' moet"),
])
def test_bad_definitions_are_refused_with_the_reason(text, fragment):
    with pytest.raises(FormDefinitionError) as err:
        parse_form(text, "kapot")
    assert fragment in str(err.value) and str(err.value).startswith("formulier kapot:")
