"""schemathesis against the served OpenAPI description, on PostgreSQL: every operation, with generated valid and
invalid (negative) requests; no 5xx, every response matching its schema, invalid input refused with a 4xx.

Driven through schemathesis' Python API and Hypothesis directly (its pytest plugin's lazy fixtures do not run
under pytest 9), one operation and generation mode at a time, all in one test so the data is made once.

Every check runs but "positive data acceptance": a value of the right type can still name no record (a person's
slug, a cursor this API did not give), which the API refuses with a 400 naming it, and no schema can list them."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories import (
    ConditionAssessmentFactory,
    MeetingFactory,
    MonumentFactory,
    ParticipantFactory,
    ReportedFigureFactory,
)

EXAMPLES = 40  # per operation and mode: 17 operations × 2 modes in about a minute


@pytest.fixture
def api_schema(postgres_only, demo):
    monument = MonumentFactory(slug="aghdam-juma-mosque", built_from_year=1868)
    ConditionAssessmentFactory(monument=monument)
    ParticipantFactory(meeting=MeetingFactory())
    ReportedFigureFactory()
    # As Django's test client does: a request's end must not close the connection holding the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_answers_as_described(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 17  # a list and a record for 8 resources, and the deleted list
    tried = set()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def check(case):
                # Uncompressed: its WSGI client does not decode brotli (real clients do; tests/api/test_http.py).
                case.call_and_validate(
                    headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance]
                )

            try:
                check()
            except Unsatisfiable:
                # A record's only parameter is a string in the path: nothing there can be of the wrong type.
                assert mode == GenerationMode.NEGATIVE and operation.path.endswith("}/"), operation.label
                continue
            tried.add((operation.label, mode))
    lists = [op.label for op in operations if not op.path.endswith("}/")]
    assert all((label, GenerationMode.NEGATIVE) in tried for label in lists)
