"""The precomputed compact views give exactly what the view definitions say, for every family's real records.

`reference_shape` below is the definition written out plainly (the record with its derived fields merged over it,
JSON-LD keys and empty values dropped, relation IRIs as ids, midnight date-times as dates, only the family's compact
fields after the id): the shaping the tools use is built once per family and must not drift from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import httpx2
import pytest

from flowtly_mcp.api import ApiSettings, FlowtlyClient
from flowtly_mcp.api.endpoints import documented
from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.tools.families import FAMILIES, Family
from flowtly_mcp.tools.kernel.shaping import CompactView, View, compact_view, shape, shape_page

pytestmark = pytest.mark.anyio

_IRI = re.compile(r"^/api/[a-z0-9-]+/([^/?#]+)$")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.0+)?(?:Z|[+-]00:00)?$")


def _reference_value(value: Any) -> Any:
    if isinstance(value, str):
        iri = _IRI.match(value) if value.startswith("/api/") else None
        if iri:
            return int(iri.group(1)) if iri.group(1).isdigit() else iri.group(1)
        midnight = _MIDNIGHT.match(value)
        return midnight.group(1) if midnight else value
    if isinstance(value, Mapping):
        return _reference_record(value, None)
    if isinstance(value, list):
        return [_reference_value(item) for item in value]
    return value


def _reference_record(record: Mapping[str, Any], keep: Sequence[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "id" not in record and isinstance(record.get("@id"), str):
        out["id"] = _reference_value(record["@id"])
    for key in keep if keep is not None else list(record):
        if key in ("@context", "@type", "@id") or key not in record:
            continue
        if record[key] is None or record[key] == [] or record[key] == {}:
            continue
        out[key] = _reference_value(record[key])
    return out


def reference_shape(record: Mapping[str, Any], family: Family) -> dict[str, Any]:
    enriched = {**record, **(family.derive(record) if family.derive else {})}
    return _reference_record(enriched, ["id", *family.compact] if family.compact else None)


def _listed_families() -> list[Family]:
    operations = {endpoint.operation for endpoint in documented()}
    return [family for family in FAMILIES if f"GET /{family.path}" in operations]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.parametrize("family", _listed_families(), ids=lambda family: family.path)
async def test_compact_view_of_every_family_matches_its_definition(sandbox: Sandbox, family: Family) -> None:
    settings = ApiSettings(base_url="http://sandbox.test", token=sandbox.config.token, page_size=100)
    async with FlowtlyClient(settings, transport=httpx2.ASGITransport(app=sandbox.app)) as api:
        records = (await api.list_slice(f"/{family.path}", limit=100, cursor=None)).items
    if not records:
        pytest.skip(f"the seeded sandbox holds no {family.path}")
    for record in records:
        shaped = shape(record, view="compact", fields=None, compact_fields=family.compact, derive=family.derive)
        expected = reference_shape(record, family)
        assert shaped == expected
        assert list(shaped) == list(expected), "the fields come in the view's order"
    ways: list[tuple[View, list[str] | None]] = [("compact", None), ("full", None), ("compact", ["id", "name"])]
    for view, fields in ways:
        page = shape_page(records, view=view, fields=fields, compact_fields=family.compact, derive=family.derive)
        one_by_one = [
            shape(r, view=view, fields=fields, compact_fields=family.compact, derive=family.derive) for r in records
        ]
        assert page == one_by_one, "a page is shaped as each of its records is"


def _no_derive(record: Mapping[str, Any]) -> dict[str, Any]:
    return {}


def _derived(record: Mapping[str, Any]) -> dict[str, Any]:
    # Overrides a record field, adds one, and adds an empty one that must be dropped like any other.
    return {"status": "overridden", "openAmount": Decimal("0.00"), "ksefNumber": None}


EDGE_RECORDS: list[dict[str, Any]] = [
    {"@id": "/api/invoices/7", "@type": "Invoice", "status": "paid", "client": "/api/clients/x-12"},
    {"id": 3, "@id": "/api/invoices/3", "issueDate": "2026-01-05T00:00:00Z", "dueDate": "2026-01-05T10:00:00Z"},
    {"id": "5", "issueDate": "2026-01-05T00:00:00.000+00:00", "dueDate": "2026-01-05T00:00:00+02:00"},
    {"id": 9, "client": {"@id": "/api/clients/4", "@type": "Client", "name": "Acme", "notes": []}, "tags": {}},
    {"id": 10, "client": "/api/clients/4/contacts", "status": "", "amount": Decimal("12.50"), "paid": False},
    {"id": 11, "client": ["/api/clients/1", "2026-02-01T00:00:00", {"@id": "/api/a/b"}], "status": None},
    {"@id": "/api/invoices/12?x=1", "name": "T00:00:00 is not a date", "amount": 0, "ratio": 1.5},
]


@pytest.mark.parametrize("derive", [None, _no_derive, _derived], ids=["none", "empty", "overriding"])
@pytest.mark.parametrize(
    "keep",
    [
        ("client", "status", "issueDate", "dueDate", "amount", "openAmount", "name"),
        ("@type", "id", "client", "client", "ksefNumber", "ratio", "paid", "tags"),
    ],
)
def test_compact_view_matches_the_definition_on_unusual_records(keep: tuple[str, ...], derive: Any) -> None:
    family = Family("invoices", "invoice", "invoices", "invoice", "invoices", compact=keep, derive=derive)
    view = CompactView.of(keep, derive)
    for record in EDGE_RECORDS:
        expected = reference_shape(record, family)
        assert view.apply(record) == expected
        assert list(view.apply(record)) == list(expected)


def test_a_family_view_is_built_once_and_reused() -> None:
    family = next(family for family in FAMILIES if family.compact and family.derive)
    assert family.compact is not None
    first = compact_view(tuple(family.compact), family.derive)
    assert compact_view(tuple(family.compact), family.derive) is first
    assert first.keep[0] == "id" and "@id" not in first.keep


def test_full_view_and_chosen_fields_keep_their_meaning() -> None:
    record = {"@context": "/api/contexts/Invoice", "@id": "/api/invoices/2", "status": "paid", "notes": None}
    assert shape(record, view="full", fields=None, compact_fields=("status",)) == {
        "@id": "/api/invoices/2",
        "status": "paid",
        "notes": None,
    }
    assert shape(record, view="compact", fields=["status", "missing"], compact_fields=("notes",)) == {
        "id": 2,
        "status": "paid",
    }
    assert shape(record, view="compact", fields=None, compact_fields=None) == {"id": 2, "status": "paid"}
