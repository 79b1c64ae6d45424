"""Schemathesis against the API's own OpenAPI description, on the real server: no input it
generates (valid or not) makes the server fail, and answers match the described schemas.

The operations are driven with Hypothesis directly (schemathesis' pytest plugin does not run
under this pytest), a bounded number of examples each, reproducibly."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.generation import GenerationMode

from clonewatch.testing.dashboard import DashboardWorld, LocalDashboard

EXAMPLES = 25


def test_no_input_makes_the_api_fail(world: DashboardWorld, dashboard: LocalDashboard) -> None:
    schema = schemathesis.openapi.from_url(f"{dashboard.url}/api/openapi.json")
    headers = {"Authorization": f"Bearer {world.tokens['ana']}"}
    tried = []
    for result in schema.get_all_operations():
        operation = result.ok()
        tried.append(operation.label)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def call(case: Any) -> None:
                case.call_and_validate(
                    base_url=dashboard.url,
                    headers=headers,
                    checks=[not_a_server_error, response_schema_conformance],
                )

            call()
    assert "POST /api/domains/{name}/decisions" in tried and "GET /api/findings" in tried
