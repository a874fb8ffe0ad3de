"""send_invoice_to_ksef and send_ksef_correction: refusals before any change, the happy path, rejections, and a
send whose answer is lost."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client

from flowtly_mcp.finance.calendar import today_in_poland
from flowtly_mcp.finance.identifiers import is_valid_ksef_number
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from tests.api_variants import ApiVariant

from .conftest import MODES, ServerFactory, body, confirmed, error_text, writes
from .ksef_account import INVALID_NIP, SELLER_NIP, Invoice, in_ksef_number, ksef_account

pytestmark = pytest.mark.anyio
TODAY = today_in_poland()


@pytest.fixture
def sandbox(api_variant: ApiVariant) -> Sandbox:
    return Sandbox(api_variant.sandbox_config(today=TODAY, dataset=ksef_account(TODAY)))


def sends(sandbox: Sandbox, invoice: int) -> list[Any]:
    # The sandbox logs the path as requested: under /api in that variant.
    wanted = f"/e-invoicing/invoices/{invoice}/send"
    return [w for w in writes(sandbox) if w[0] == "POST" and w[1].removeprefix("/api") == wanted]


REFUSALS = [
    (Invoice.DRAFT, ["draft"]),
    (Invoice.BAD_BUYER_NIP, [INVALID_NIP, "not a valid NIP"]),
    (Invoice.FUTURE, ["in the future"]),
    (Invoice.IN_KSEF, ["already in KSeF", in_ksef_number(TODAY), "status success"]),
    (Invoice.NO_ADDRESS, ["Beta S.A.", "no street and city", "update_client"]),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("invoice", "phrases"), REFUSALS)
async def test_unsendable_invoices_are_refused_before_any_change(
    mode: str, invoice: int, phrases: list[str], sandbox: Sandbox, make_server: ServerFactory
) -> None:
    async with Client(make_server(), mode=mode) as client:
        refused = await client.call_tool("send_invoice_to_ksef", {"invoice": invoice})
    text = error_text(refused)
    for phrase in phrases:
        assert phrase in text
    assert "Nothing was sent" in text
    assert writes(sandbox) == []


async def test_an_invalid_seller_nip_is_refused(tmp_path: Path) -> None:
    from .conftest import server_for

    broken = Sandbox(SandboxConfig(today=TODAY, dataset=ksef_account(TODAY, seller_nip="5273180298")))
    async with Client(server_for(broken, tmp_path)) as client:
        refused = await client.call_tool("send_invoice_to_ksef", {"invoice": Invoice.READY})
    assert "seller NIP" in error_text(refused) and "5273180298" in error_text(refused)
    assert writes(broken) == []


async def test_correction_needs_the_original_ksef_number(sandbox: Sandbox, make_server: ServerFactory) -> None:
    async with Client(make_server()) as client:
        refused = await client.call_tool("send_ksef_correction", {"invoice": Invoice.READY, "reason": "wrong price"})
    assert "no KSeF number" in error_text(refused)
    assert writes(sandbox) == []


@pytest.mark.api_matrix
@pytest.mark.parametrize("mode", MODES)
async def test_a_sendable_invoice_ends_with_a_ksef_number_and_a_upo(
    mode: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    seen: list[float] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(progress)

    arguments = {"invoice": Invoice.READY}
    async with Client(make_server(), mode=mode) as client:
        first = body(await client.call_tool("send_invoice_to_ksef", arguments))
        assert first["status"] == "confirmation_required"
        details = first["preview"]["details"]
        assert details["buyer_tax_id"] == "NIP 8567346215" and details["rows"] == 1
        assert details["gross"] == "3542.40 PLN"
        assert all(": " in check for check in details["checks"])
        assert writes(sandbox) == []
        token = first["confirmation_token"]
        done = body(
            await client.call_tool(
                "send_invoice_to_ksef", {**arguments, "confirmation_token": token}, progress_callback=on_progress
            )
        )
        replay = await client.call_tool("send_invoice_to_ksef", {**arguments, "confirmation_token": token})
        result = done["result"]
        served = await client.read_resource(result["upo"]["resource_uri"])
    assert result["status"] == "success" and result["hint"] is None
    assert is_valid_ksef_number(result["ksef_number"]) and result["ksef_number"].startswith(f"{SELLER_NIP}-")
    upo = Path(result["upo"]["path"])
    assert upo.is_file() and hashlib.sha256(upo.read_bytes()).hexdigest() == result["upo"]["sha256"]
    assert result["ksef_number"].encode() in upo.read_bytes()
    assert result["upo"]["resource_uri"] == f"flowtly://invoices/{Invoice.READY}/upo"
    served_bytes = base64.b64decode(served.contents[0].blob)  # type: ignore[union-attr]
    assert served_bytes == upo.read_bytes(), "the resource serves the receipt that was saved"
    assert len(sends(sandbox, Invoice.READY)) == 1
    log = [(entry[0], entry[1].removeprefix("/api")) for entry in sandbox.request_log]
    sent = log.index(("POST", f"/e-invoicing/invoices/{Invoice.READY}/send"))
    receipt = log.index(("GET", f"/e-invoicing/invoices/{Invoice.READY}/download/upo"))
    polls = log[sent:receipt].count(("GET", f"/invoices/{Invoice.READY}"))
    assert polls == 2, "polling stops at the read that shows the KSeF number (the sandbox decides on the 2nd)"
    assert seen and seen == sorted(seen)
    assert replay.is_error, "a confirmation token works once"
    assert len(sends(sandbox, Invoice.READY)) == 1


async def _sent_behind_our_back(sandbox: Sandbox, invoice: int) -> dict[str, Any]:
    """Send an invoice straight through the API, as another Flowtly user would, and read it until KSeF decides."""
    headers = {"Authorization": f"Bearer {sandbox.config.token}"}
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=sandbox.app), base_url="http://sandbox.test", headers=headers
    ) as api:
        assert (await api.post("/api/e-invoicing/ksef/session")).status_code < 300
        assert (await api.post(f"/api/e-invoicing/invoices/{invoice}/send")).status_code < 300
        for _ in range(5):
            state: dict[str, Any] = (await api.get(f"/api/invoices/{invoice}")).json()["eInvoicing"]
            if state["status"] not in ("accepted", "processing"):
                return state
    raise AssertionError(f"KSeF never decided on invoice {invoice}")


async def test_a_rejected_invoice_is_not_sent_again_while_its_defect_is_there(
    sandbox: Sandbox, make_server: ServerFactory
) -> None:
    state = await _sent_behind_our_back(sandbox, Invoice.NO_ADDRESS)
    assert state["status"] == "rejected" and "adres" in state["rejectionReason"].lower()
    before = len(writes(sandbox))
    async with Client(make_server()) as client:
        refused = await client.call_tool("send_invoice_to_ksef", {"invoice": Invoice.NO_ADDRESS})
    text = error_text(refused)
    assert "KSeF rejected the last submission" in text and state["rejectionReason"] in text
    assert "no street and city" in text and "Nothing was sent" in text
    assert len(writes(sandbox)) == before


@pytest.mark.parametrize("mode", MODES)
async def test_a_rejection_is_an_error_carrying_ksefs_reason(
    mode: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    """KSeF refuses a second invoice with an accepted invoice's number, which no preflight can see."""
    taken = sandbox.store.get("invoices", Invoice.IN_KSEF)
    ready = sandbox.store.get("invoices", Invoice.READY_TOO)
    assert taken is not None and ready is not None
    sandbox.store.replace("invoices", {**ready, "name": taken["name"]})
    arguments = {"invoice": Invoice.READY_TOO}
    async with Client(make_server(), mode=mode) as client:
        first = body(await client.call_tool("send_invoice_to_ksef", arguments))
        result = await client.call_tool(
            "send_invoice_to_ksef", {**arguments, "confirmation_token": first["confirmation_token"]}
        )
    text = error_text(result)
    assert result.structured_content is None, "no result that could read as done"
    assert text.startswith(f"KSeF rejected invoice {taken['name']} ({Invoice.READY_TOO})")
    assert "Duplikat faktury" in text and f"KSeF already holds this invoice as {in_ksef_number(TODAY)}" in text
    assert len(sends(sandbox, Invoice.READY_TOO)) == 1


class LosesTheAnswer(httpx2.AsyncBaseTransport):
    """The connection drops on one POST: after the server handled it (`delivered`), or before it arrived."""

    def __init__(self, sandbox: Sandbox, path: str, *, delivered: bool) -> None:
        self.inner = httpx2.ASGITransport(app=sandbox.app)
        self.path = path
        self.delivered = delivered
        self.armed = True

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self.armed and request.method == "POST" and request.url.path == self.path:
            self.armed = False
            if self.delivered:
                await self.inner.handle_async_request(request)
            raise httpx2.ReadError("connection reset by peer", request=request)
        return await self.inner.handle_async_request(request)


async def test_a_send_whose_answer_is_lost_is_followed_not_repeated(
    sandbox: Sandbox, make_server: ServerFactory
) -> None:
    flaky = LosesTheAnswer(sandbox, f"/e-invoicing/invoices/{Invoice.READY_TOO}/send", delivered=True)
    async with Client(make_server(transport=flaky)) as client:
        result = await confirmed(client, "send_invoice_to_ksef", {"invoice": Invoice.READY_TOO})
        assert result["status"] == "success" and is_valid_ksef_number(result["ksef_number"])
        assert any("lost" in note for note in result["notes"])
        again = await client.call_tool("send_invoice_to_ksef", {"invoice": Invoice.READY_TOO})
    assert result["ksef_number"] in error_text(again)
    assert len(sends(sandbox, Invoice.READY_TOO)) == 1


async def test_a_send_that_never_arrived_can_be_sent_again(sandbox: Sandbox, make_server: ServerFactory) -> None:
    flaky = LosesTheAnswer(sandbox, f"/e-invoicing/invoices/{Invoice.READY_TOO}/send", delivered=False)
    async with Client(make_server(transport=flaky)) as client:
        first = body(await client.call_tool("send_invoice_to_ksef", {"invoice": Invoice.READY_TOO}))
        failed = await client.call_tool(
            "send_invoice_to_ksef", {"invoice": Invoice.READY_TOO, "confirmation_token": first["confirmation_token"]}
        )
        assert "did not reach KSeF" in error_text(failed)
        assert sends(sandbox, Invoice.READY_TOO) == []
        result = await confirmed(client, "send_invoice_to_ksef", {"invoice": Invoice.READY_TOO})
    assert result["status"] == "success"
    assert len(sends(sandbox, Invoice.READY_TOO)) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_a_correction_of_an_invoice_in_ksef(mode: str, sandbox: Sandbox, make_server: ServerFactory) -> None:
    arguments = {"invoice": Invoice.IN_KSEF, "reason": "wrong unit price"}
    async with Client(make_server(), mode=mode) as client:
        first = body(await client.call_tool("send_ksef_correction", arguments))
        assert first["preview"]["details"]["original_ksef_number"] == in_ksef_number(TODAY)
        assert writes(sandbox) == []
        confirming = {**arguments, "confirmation_token": first["confirmation_token"]}
        done = body(await client.call_tool("send_ksef_correction", confirming))
        replay = await client.call_tool("send_ksef_correction", confirming)
    assert replay.is_error, "a confirmation token works once"
    result = done["result"]
    assert result["corrects"] == str(Invoice.IN_KSEF) and result["corrects_ksef_number"] == in_ksef_number(TODAY)
    assert result["status"] == "success" and is_valid_ksef_number(result["ksef_number"])
    correction = sandbox.store.get("invoices", result["invoice"])
    assert correction is not None and correction["type"] == "KOR"
    assert correction["parent"] == f"/api/invoices/{Invoice.IN_KSEF}"
    assert [w[:2] for w in writes(sandbox)] == [("POST", f"/e-invoicing/invoices/{Invoice.IN_KSEF}/correction")]


@pytest.mark.parametrize("delivered", [True, False], ids=["reached-flowtly", "never-arrived"])
async def test_a_raw_correction_whose_answer_is_lost_is_never_sent_twice(
    sandbox: Sandbox, make_server: ServerFactory, delivered: bool
) -> None:
    """The plain correction tool (rows allowed) follows a lost answer up as the workflow does: the correction made is
    the answer, or nothing was made and saying so makes a second try safe."""
    path = f"/e-invoicing/invoices/{Invoice.IN_KSEF}/correction"
    arguments = {"invoice": Invoice.IN_KSEF, "correctionReason": "wrong price"}
    parent = f"/api/invoices/{Invoice.IN_KSEF}"
    async with Client(make_server(transport=LosesTheAnswer(sandbox, path, delivered=delivered))) as client:
        if delivered:
            result = await confirmed(client, "send_einvoice_correction", arguments)
        else:
            first = body(await client.call_tool("send_einvoice_correction", arguments))
            token = {**arguments, "confirmation_token": first["confirmation_token"]}
            failed = error_text(await client.call_tool("send_einvoice_correction", token))
            assert "no new correction invoice exists: it is safe to send it again" in failed
            assert not [r for r in sandbox.store.all("invoices") if r.get("parent") == parent]
            result = await confirmed(client, "send_einvoice_correction", arguments)
    corrections = [r for r in sandbox.store.all("invoices") if r.get("parent") == parent]
    assert [str(r["id"]) for r in corrections] == [str(result["item"]["id"])]
    assert corrections[0]["type"] == "KOR"


async def test_a_correction_whose_answer_is_lost_is_found_not_repeated(
    sandbox: Sandbox, make_server: ServerFactory
) -> None:
    path = f"/e-invoicing/invoices/{Invoice.IN_KSEF}/correction"
    flaky = LosesTheAnswer(sandbox, path, delivered=True)
    async with Client(make_server(transport=flaky)) as client:
        result = await confirmed(client, "send_ksef_correction", {"invoice": Invoice.IN_KSEF, "reason": "wrong price"})
    corrections = [r for r in sandbox.store.all("invoices") if r.get("parent") == f"/api/invoices/{Invoice.IN_KSEF}"]
    assert [str(r["id"]) for r in corrections] == [result["invoice"]]
    assert result["status"] == "success" and any("lost" in note for note in result["notes"])
    assert [w[:2] for w in writes(sandbox)] == [("POST", path)]
