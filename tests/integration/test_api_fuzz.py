"""schemathesis over the OpenAPI document of /api/v1 (staff and partner operations in one document), against the
WSGI app in-process with valid tokens: no answer >= 500, every 4xx is application/problem+json, every answer
conforms to the document (status, content type, headers, body), and what the document forbids is refused.

Bounded: EXAMPLES per operation and generation mode, derandomised (the same inputs each run, so CI never flakes on a
new draw), no shrinking of failures (they are collected and all reported at once). The stateful test follows the
document's links (a delivered signal to its receipt, a case list to the case, its history and replay, a task list
to the task and its completion). The inputs that once broke the API are kept by hand in test_nasty_inputs.py."""
from __future__ import annotations

import json
import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance, ignored_auth, negative_data_rejection, response_headers_conformance,
    response_schema_conformance, status_code_conformance,
)

from tests.support.staff_api import add_staff
from tests.support.signals import FATIMA, INCASSO, add_partner
from webapp import create_app
from webapp.api import API_PREFIX
from webapp.web.errors import PROBLEM_MIMETYPE

EXAMPLES = int(os.environ.get("VROEG_FUZZ_EXAMPLES", "25"))  # per operation and mode; raise it for a long hunt
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
FUZZ_SETTINGS = dict(deadline=None, database=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                     suppress_health_check=list(HealthCheck))


def problem_json_for_errors(ctx, response, case):
    """Vroeg's own rule: every 4xx (and 5xx) of the API is a problem document naming its status."""
    if response.status_code < 400:
        return True
    media = next((v for k, v in response.headers.items() if k.lower() == "content-type"), [""])
    media = (media[0] if isinstance(media, list) else media).split(";")[0].strip()
    if media != PROBLEM_MIMETYPE:
        raise AssertionError(f"{response.status_code} answered as {media!r}, not {PROBLEM_MIMETYPE}")
    body = json.loads(response.content or b"null")
    if not isinstance(body, dict) or body.get("status") != response.status_code or not body.get("detail"):
        raise AssertionError(f"not a problem document for {response.status_code}: {body!r}")
    for param in body.get("invalidParams", []):
        if set(param) != {"name", "code", "reason"}:
            raise AssertionError(f"invalidParams entry without name/code/reason: {param!r}")
    return True


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection, ignored_auth, problem_json_for_errors]


@pytest.fixture
def fuzzed(vs):
    """The app with a coordinator (may use every staff operation), a partner, and a few cases with open tasks."""
    app = create_app(engine=vs)
    staff, partner = add_staff(vs, "coordinator1", "coordinator"), add_partner(vs)
    client = app.test_client()
    for number, huisnummer in enumerate((112, 10, 20)):
        body = {"externeReferentie": f"SEED-{number}", "soort": "betalingsachterstand", "bedrag": 500 + number,
                "signaaldatum": "2026-11-20", "sociaalIncasso": dict(INCASSO),
                "client": {**FATIMA, "huisnummer": huisnummer}}
        assert client.post(f"{API_PREFIX}/signalen", json=body, headers=partner).status_code == 201
    schema = schemathesis.openapi.from_wsgi(f"{API_PREFIX}/openapi.json", app)
    # The tokens are given per operation below; a generated (random) bearer token would only test the 401 path.
    schema.config.generation.update(with_security_parameters=False, max_examples=EXAMPLES, allow_x00=True)
    return schema, {"partnerAuth": partner, "bearerAuth": staff}


def _headers(operation, tokens) -> dict:
    for requirement in operation.definition.raw.get("security", []):
        for name in requirement:
            return dict(tokens[name])
    return {}


def test_every_operation_answers_within_its_contract(fuzzed):
    schema, tokens = fuzzed
    statuses, failures, failed, fuzzed_operations = Counter(), [], [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        headers = _headers(operation, tokens)
        fuzzed_operations.append(operation.label)
        for mode in MODES:

            @settings(max_examples=EXAMPLES, **FUZZ_SETTINGS)
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                response = case.call(headers=headers)
                statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except FailureGroup as group:
                    kinds = "; ".join(sorted({f.title for f in group.exceptions}))
                    if not any(f.startswith(f"{operation.label} [{mode.value}] -> {response.status_code}: {kinds}")
                               for f in failures):  # one example of each kind of failure is enough to read
                        failures.append(f"{operation.label} [{mode.value}] -> {response.status_code}: {kinds}\n"
                                        + "\n".join(f"    {f.message}" for f in group.exceptions)[:1500]
                                        + f"\n    {case.as_curl_command(headers=headers)}")
                    failed.append(response.status_code)

            try:
                run()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, operation.label  # nothing to negate (no parameters)
    report = (f"schemathesis: {sum(statuses.values())} requests over {len(fuzzed_operations)} operations, "
              f"statuses {dict(sorted(statuses.items()))}, {sum(n for s, n in statuses.items() if s >= 500)} "
              f"answers >= 500, {len(failed)} responses failing a check")
    print(report)
    assert len(fuzzed_operations) >= 11 and sum(statuses.values()) >= len(fuzzed_operations) * EXAMPLES
    assert not failures, report + "\n" + "\n".join(failures[:40])


def test_the_linked_operations_hold_in_sequence(fuzzed):
    """Stateful: schemathesis follows the document's links from a delivered signal, a case list and a task list."""
    schema, tokens = fuzzed
    machine = schema.as_state_machine()
    statuses, failures = Counter(), []

    class Machine(machine):
        def get_call_kwargs(self, case):
            return {"headers": _headers(case.operation, tokens)}

        def validate_response(self, response, case, additional_checks=(), **kwargs):
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=_headers(case.operation, tokens))
            except FailureGroup as group:
                failures.append(f"{case.operation.label} -> {response.status_code}: "
                                + "; ".join(f.title for f in group.exceptions))

    run_state_machine_as_test(Machine, settings=settings(max_examples=max(EXAMPLES // 2, 5), stateful_step_count=6,
                                                         **FUZZ_SETTINGS))
    print(f"schemathesis stateful: {sum(statuses.values())} requests, statuses {dict(sorted(statuses.items()))}")
    assert not failures, "\n".join(failures[:40])
    assert sum(n for s, n in statuses.items() if 200 <= s < 300) > 0
