"""The handover receiver's settings: off while the URL is empty; an https URL needs its bearer token."""
from __future__ import annotations

import pytest

from vroegsignalering.settings import load_settings


def settings(**values):
    return load_settings(values, environ={})


def test_the_receiver_is_off_by_default_and_an_https_url_with_a_token_is_fine():
    assert settings().overdracht_url == ""
    assert settings(overdracht_url="https://shv.example.nl/dossiers", overdracht_token="t").overdracht_token == "t"


@pytest.mark.parametrize("values, problem", [
    ({"overdracht_url": "http://shv.example.nl/dossiers", "overdracht_token": "t"},
     "VROEG_OVERDRACHT_URL must start with https://"),
    ({"overdracht_url": "https://shv.example.nl/dossiers"},
     "VROEG_OVERDRACHT_URL is set but VROEG_OVERDRACHT_TOKEN is empty"),
])
def test_a_plain_http_url_or_a_missing_token_is_refused_by_name(values, problem):
    with pytest.raises(ValueError, match=problem):
        settings(**values)


def test_the_environment_names_them():
    loaded = load_settings({}, environ={"VROEG_OVERDRACHT_URL": "https://shv.example.nl/d",
                                        "VROEG_OVERDRACHT_TOKEN": "geheim"})
    assert (loaded.overdracht_url, loaded.overdracht_token) == ("https://shv.example.nl/d", "geheim")
