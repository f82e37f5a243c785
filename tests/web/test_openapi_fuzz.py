"""A bounded schemathesis run over /openapi.json: no 5xx, and every answer as documented.

Cases for all operations, valid and invalid, are drawn from schemathesis' strategies inside
one Hypothesis test (its pytest plugin does not run under this pytest).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from historiograph.web import create_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def web_schema(web_db: Path) -> Any:
    # An edit token the fuzzer does not know: edits are exercised, and refused, but never run.
    app = create_app(web_db, edit_token="not-given-to-the-fuzzer")
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_answers_as_documented(web_schema: Any, mode: GenerationMode) -> None:
    strategy = web_schema.as_strategy(mode)
    seen: set[str] = set()

    @given(data=st.data())
    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(data: st.DataObject) -> None:
        case = data.draw(strategy)
        seen.add(case.operation.label)
        response = case.call()
        assert response.status_code < 500, response.text
        case.validate_response(response, checks=CHECKS)

    run()
    assert len(seen) >= 5  # the draw reached most operations
