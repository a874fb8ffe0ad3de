"""The documented profile serves exactly the fields Flowtly's docs publish; the extended one adds the extras.

Every collection and item of every family is compared with the published lists (`resources/published.py`, copied
from the docs' schema tables), in both Hydra forms (`hydra:member` and `member`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.sandbox.profiles import DEFAULT_PROFILE, PROFILE_ENV, Profile, UnknownProfile
from flowtly_mcp.sandbox.resources import RESOURCES
from flowtly_mcp.sandbox.resources.published import PUBLISHED_FIELDS

HEADERS = {"authorization": "Bearer sandbox-token", "accept": "application/ld+json"}
ITEM_KEYS = {"@context", "@id", "@type", "id"}
EMBEDDED_KEYS = {"@id", "@type", "id"}
# What the extended profile serves beyond the docs: the list the sandbox docs give for `--profile extended`.
EXTENDED_EXTRAS = {
    "transactions": {"currency", "counterpartyName", "counterpartyAccount", "invoiceTransactions", "problems"},
    "invoices": {"paidAmount", "openAmount", "overpaidAmount"},
    "invoice-rows": {"invoice", "netAmount", "vatAmount", "grossAmount"},
    "e-invoicing": {
        "invoice",
        "statusCode",
        "direction",
        "sellerName",
        "sellerTin",
        "invoiceNumber",
        "issueDate",
        "amount",
        "currency",
    },  # fmt: skip
    "budgets": {"amount", "currency", "budgetProjects"},
    "client-contacts": {"client", "createdAt", "updatedAt"},
}


def _get(box: Sandbox, path: str, query: str = "") -> Any:
    status, _, body = box.handle("GET", path, query, HEADERS, b"")
    assert status == 200, (path, body[:300])
    return json.loads(body)


def _collections(box: Sandbox) -> list[str]:
    return sorted(
        route.template[1:]
        for route in box.router.routes
        if route.method == "GET" and route.template.count("/") == 1 and route.template[1:] in RESOURCES
    )


@pytest.fixture(scope="module", params=[True, False], ids=["hydra-prefixed", "hydra-plain"])
def documented(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    box = Sandbox(SandboxConfig(today=date(2026, 11, 20), hydra_prefix=request.param, profile=Profile.DOCUMENTED))
    yield box
    box.close()


def _expected(family: str) -> set[str]:
    published = PUBLISHED_FIELDS.get(family)
    declared = {field.name for field in RESOURCES[family].fields}
    return set(published) if published is not None else declared


def _members(box: Sandbox, family: str) -> list[dict[str, Any]]:
    page = _get(box, f"/{family}", "itemsPerPage=100")
    members: list[dict[str, Any]] = page["hydra:member" if box.config.hydra_prefix else "member"]
    return members


def test_every_collection_and_item_serves_exactly_the_published_fields(documented: Sandbox) -> None:
    families = _collections(documented)
    assert set(PUBLISHED_FIELDS) - {"e-invoicing"} <= set(families)  # KSeF states are items only
    for family in families:
        members = _members(documented, family)
        if not members:
            continue
        for member in members:
            assert set(member) - EMBEDDED_KEYS == _expected(family), (family, member["@id"])
        if ("GET", f"/{family}/{{id}}") not in {(route.method, route.template) for route in documented.router.routes}:
            continue  # /payments has no item operation
        item = _get(documented, members[0]["@id"])
        assert set(item) - ITEM_KEYS == _expected(family), family
        assert set(item) >= ITEM_KEYS


def test_embedded_documents_are_cut_to_their_own_published_fields(documented: Sandbox) -> None:
    invoices = [_get(documented, member["@id"]) for member in _members(documented, "invoices")]
    rows = [row for invoice in invoices for row in invoice["invoiceRows"]]
    payments = [payment for invoice in invoices for payment in invoice["invoiceTransactions"]]
    states = [invoice["eInvoicing"] for invoice in invoices if invoice["eInvoicing"]]
    assert rows and payments and states
    for family, embedded in (("invoice-rows", rows), ("invoice-transactions", payments), ("e-invoicing", states)):
        for document in embedded:
            assert set(document) - EMBEDDED_KEYS == PUBLISHED_FIELDS[family], family
    state = _get(documented, states[0]["@id"])
    assert set(state) - ITEM_KEYS == PUBLISHED_FIELDS["e-invoicing"]


def test_a_transaction_embeds_its_counterparty_as_the_docs_publish_it(documented: Sandbox) -> None:
    transactions = [t for t in _members(documented, "transactions") if t["counterparty"] is not None]
    assert transactions
    counterparty = transactions[0]["counterparty"]
    assert isinstance(counterparty, dict)
    assert counterparty["@type"] == "Counterparty"
    assert set(counterparty) - EMBEDDED_KEYS == PUBLISHED_FIELDS["counterparties"]


def test_filters_on_fields_not_served_are_not_declared_nor_applied(documented: Sandbox) -> None:
    page = _get(documented, "/transactions", "currency=EUR&itemsPerPage=1")
    p = "hydra:" if documented.config.hydra_prefix else ""
    variables = {mapping["variable"] for mapping in page[f"{p}search"][f"{p}mapping"]}
    assert "currency" not in variables
    assert "execDate[after]" in variables
    everything = _get(documented, "/transactions", "itemsPerPage=1")
    assert page[f"{p}totalItems"] == everything[f"{p}totalItems"]  # ignored, as API Platform ignores it
    schema = _get(documented, "/docs.json")["components"]["schemas"]["Transaction"]["properties"]
    assert "currency" not in schema
    assert "counterparty" in schema


def test_the_extended_profile_serves_the_extras_the_docs_list() -> None:
    box = Sandbox(SandboxConfig(today=date(2026, 11, 20), profile=Profile.EXTENDED))
    try:
        invoices = _members(box, "invoices")
        for family, extras in EXTENDED_EXTRAS.items():
            if family == "e-invoicing":  # no collection: read through the invoices that carry one
                member = next(invoice["eInvoicing"] for invoice in invoices if invoice["eInvoicing"])
            else:
                member = _members(box, family)[0]
            assert extras <= set(member), (family, extras - set(member))
            assert set(member) - EMBEDDED_KEYS <= {field.name for field in RESOURCES[family].fields}
    finally:
        box.close()


def test_the_profile_comes_from_the_environment_when_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PROFILE_ENV, raising=False)
    assert SandboxConfig().profile is DEFAULT_PROFILE
    monkeypatch.setenv(PROFILE_ENV, "Documented")
    assert SandboxConfig().profile is Profile.DOCUMENTED
    monkeypatch.setenv(PROFILE_ENV, "rich")
    with pytest.raises(UnknownProfile, match="use one of documented, extended"):
        SandboxConfig()


@pytest.mark.slow
def test_an_unknown_profile_stops_the_command_line_with_the_choices(tmp_path: Path) -> None:
    env = {**os.environ, PROFILE_ENV: "rich"}
    started = subprocess.run(
        [sys.executable, "-m", "flowtly_mcp", "sandbox", "--port", "0", "--db", str(tmp_path / "db.sqlite3")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert started.returncode == 2
    assert "unknown sandbox profile 'rich': use one of documented, extended" in started.stderr
    assert "Traceback" not in started.stderr
