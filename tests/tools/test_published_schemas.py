"""The slimmed schemas `tools/list` publishes still accept everything the tools' own models accept.

The list drops titles, defaults, descriptions and `$defs` to save tokens (kernel/schema_slim.py); the server validates
with the full models. A published schema narrower than its model would make a host (or a model with constrained
decoding) refuse calls the server would run. So: arguments generated from each model's own schema, kept when the
model accepts them, must pass the published schema too (jsonschema, Draft 2020-12, formats checked). Outside
merge-patch updates a null argument means the same as leaving it out, and the list says so by not offering null:
such nulls are left out before the check. In an update null erases, so every optional field may be null in both.
The other direction (schema-valid arguments never crash the server, broken ones are refused) is
tests/robustness/test_fuzz_inputs.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from mcp import Client
from pydantic import BaseModel, ValidationError

from flowtly_mcp.server import build_server
from flowtly_mcp.tools.all import registry
from flowtly_mcp.tools.kernel.registry import AnyToolSpec
from tests.robustness import schemas
from tests.robustness.conftest import MODES, seeded_sandbox, server_settings

SPECS = {spec.name: spec for spec in registry()}
EXAMPLES = 12
_ROW = {"productName": "Consulting", "quantity": "1.5", "unit": "h", "netPrice": 200, "vatRate": "23"}
# Valid calls per family, written out: decimal text, dates and cross-field rules that random values seldom satisfy.
HANDWRITTEN: dict[str, list[dict[str, Any]]] = {
    "create_invoice": [
        {"client": "2", "issueDate": "2026-11-02", "dueDate": "2026-11-16", "invoiceRows": [_ROW]},
        {
            "client": "/api/clients/2",
            "issueDate": "2026-11-02",
            "saleDate": "2026-10-31",
            "dueDate": "2026-11-16",
            "currency": "EUR",
            "conversionRate": "4.3012",
            "type": "KOR",
            "paymentMethod": "card",
            "tinType": "VAT",
            "tin": "DE123456789",
            "status": "issued",
            "invoiceRows": [{**_ROW, "netDiscountAmount": "10.00", "classificationNumber": "62.01", "project": "3"}],
        },
    ],
    "create_invoice_row": [{**_ROW, "invoice": "FV/2026/11/0001"}, {**_ROW, "vatRate": "zw", "invoice": "12"}],
    "create_invoice_transaction": [{"invoice": "1", "amount": "1230.00", "date": "2026-11-10", "transaction": "7"}],
    "create_project_transaction": [{"transaction": "7", "project": "3", "share": 50}],
    "import_transactions": [
        {"transactions": [{"amount": "-120.50", "description": "Rent", "execDate": "2026-11-03"}]},
        {
            "transactions": [
                {
                    "amount": 1230,
                    "currency": "EUR",
                    "description": "FV/2026/11/0001",
                    "execDate": "2026-11-03",
                    "orderDate": "2026-11-02",
                    "counterpartyName": "Acme",
                    "operationNumber": "OP-1",
                }
            ]
        },
    ],
    "update_client": [{"id": "2", "status": None, "dueDays": 30, "documentsLanguage": "en"}],
    "update_invoice": [{"id": "FV/2026/11/0001", "status": "issued", "dueDate": None, "conversionRate": 4.3}],
}


@pytest.fixture(scope="module", params=MODES)
def published(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Tool name → input schema, as a client lists them (agent policy: the guard's token is published too)."""
    sandbox = seeded_sandbox()
    directory: Path = tmp_path_factory.mktemp("published")
    server = build_server(server_settings(directory), transport=httpx2.ASGITransport(app=sandbox.app))
    portal: BlockingPortal
    with (
        start_blocking_portal(backend="asyncio") as portal,
        portal.wrap_async_context_manager(Client(server, mode=request.param)) as client,
    ):
        listed = portal.call(client.list_tools)
    yield {tool.name: tool.input_schema for tool in listed.tools}


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _accepted(model: type[BaseModel], arguments: dict[str, Any]) -> bool:
    try:
        model.model_validate(arguments)
    except ValidationError:
        return False
    return True


def _without_nulls(value: Any) -> Any:
    """`value` with null object members left out, at any depth (outside updates null means "not given")."""
    if isinstance(value, dict):
        return {key: _without_nulls(member) for key, member in value.items() if member is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _problems(validator: Draft202012Validator, arguments: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator.iter_errors(arguments)
    ]


def test_every_tool_has_its_model_here(published: dict[str, Any]) -> None:
    assert set(SPECS) <= set(published), "a registered tool is not listed"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_what_the_model_accepts_the_published_schema_accepts(name: str, published: dict[str, Any]) -> None:
    spec: AnyToolSpec = SPECS[name]
    model = spec.input_model
    full = model.model_json_schema(by_alias=True)
    validator = _validator(published[name])
    accepted: list[dict[str, Any]] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(arguments=schemas.valid(full))
    def check(arguments: dict[str, Any]) -> None:
        if not _accepted(model, arguments):
            return  # checksums, cross-field rules: random values rarely pass them, hence HANDWRITTEN
        accepted.append(arguments)
        if not spec.nullable_inputs:
            arguments = _without_nulls(arguments)
        assert not _problems(validator, arguments), (name, arguments, _problems(validator, arguments))

    check()
    assert accepted or name in HANDWRITTEN, f"{name}: no generated arguments pass its model; add one to HANDWRITTEN"


@pytest.mark.parametrize(
    ("name", "arguments"), [(name, arguments) for name, calls in HANDWRITTEN.items() for arguments in calls]
)
def test_written_out_calls_pass_model_and_published_schema(
    name: str, arguments: dict[str, Any], published: dict[str, Any]
) -> None:
    SPECS[name].input_model.model_validate(arguments)
    assert not _problems(_validator(published[name]), arguments), _problems(_validator(published[name]), arguments)


UPDATES = sorted(
    name
    for name, spec in SPECS.items()
    if spec.nullable_inputs and any(not field.is_required() for field in spec.input_model.model_fields.values())
)


def test_there_are_merge_patch_updates() -> None:
    assert len(UPDATES) >= 12 and "update_client" in UPDATES and "update_invoice" in UPDATES


@pytest.mark.parametrize("name", UPDATES)
def test_null_erases_in_the_published_schema_as_in_the_model(name: str, published: dict[str, Any]) -> None:
    """Each optional field of an update set to null alone (enums included) is accepted by model and schema."""
    model = SPECS[name].input_model
    validator = _validator(published[name])
    required = {field.alias or key: "1" for key, field in model.model_fields.items() if field.is_required()}
    optional = [field.alias or key for key, field in model.model_fields.items() if not field.is_required()]
    for field in optional:
        arguments = {**required, field: None}
        assert _accepted(model, arguments), (name, field)
        assert not _problems(validator, arguments), (name, field, _problems(validator, arguments))


def test_the_published_schemas_are_smaller_and_say_no_less_about_types(published: dict[str, Any]) -> None:
    """Slimming never drops a field or a required mark: only words and defaults go."""
    for name, spec in SPECS.items():
        full = spec.input_model.model_json_schema(by_alias=True)
        listed = published[name]
        assert set(full.get("properties", {})) <= set(listed.get("properties", {})), name
        assert set(full.get("required", [])) == set(listed.get("required", [])), name
