"""Downloads: saved under the download directory with the right SHA-256, never inline unless asked."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.tools.kernel.files import is_text, safe_file_name

from .conftest import Arrange, error_text, ok

pytestmark = pytest.mark.anyio


def _saved(body: dict[str, Any], download_dir: Path) -> bytes:
    path = Path(body["path"])
    assert path.parent == download_dir.resolve()
    content = path.read_bytes()
    assert body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    return content


async def test_pdf_is_saved_not_inlined_and_matches_the_api(
    client: Client, arrange: Arrange, download_dir: Path
) -> None:
    invoice = arrange.ksef_registered_invoice()
    body = ok(await client.call_tool("download_einvoice", {"invoice": invoice["id"]}))
    content = _saved(body, download_dir)
    assert content.startswith(b"%PDF-")
    assert content == await arrange.raw(f"/e-invoicing/invoices/{invoice['id']}/download/pdf")
    assert body["text"] is None and body["content_type"] == "application/pdf"
    assert body["resource_uri"] == f"flowtly://invoices/{invoice['id']}/pdf"
    assert Path(body["path"]).name == f"invoice-{invoice['id']}.pdf"


async def test_xml_inline_only_when_asked(client: Client, arrange: Arrange, download_dir: Path) -> None:
    invoice = arrange.ksef_registered_invoice()
    saved = ok(await client.call_tool("download_einvoice", {"invoice": invoice["id"], "kind": "xml"}))
    assert saved["text"] is None
    content = _saved(saved, download_dir)
    assert b'kodSystemowy="FA (3)"' in content
    inline = ok(await client.call_tool("download_einvoice", {"invoice": invoice["id"], "kind": "xml", "inline": True}))
    # The FA(3) XML carries its generation time, so each download is its own file; the text is that file.
    assert inline["path"] == saved["path"]
    assert inline["text"] == _saved(inline, download_dir).decode("utf-8-sig")
    assert "<Faktura" in inline["text"]
    assert inline["resource_uri"] == f"flowtly://invoices/{invoice['id']}/xml"


async def test_upo_and_preview_pdf(client: Client, sandbox: Sandbox, arrange: Arrange, download_dir: Path) -> None:
    invoice = arrange.ksef_registered_invoice()
    number = arrange.outbound_state(invoice["id"])["einvoicingNumber"]  # type: ignore[index]
    upo = ok(await client.call_tool("download_einvoice", {"invoice": invoice["id"], "kind": "upo", "inline": True}))
    assert number in upo["text"]
    assert _saved(upo, download_dir).decode("utf-8-sig") == upo["text"]
    assert upo["resource_uri"] == f"flowtly://invoices/{invoice['id']}/upo"
    draft = arrange.draft_invoice()
    preview = ok(await client.call_tool("download_einvoice", {"invoice": draft["id"], "kind": "preview_pdf"}))
    assert _saved(preview, download_dir).startswith(b"%PDF-")
    assert preview["resource_uri"] is None
    assert Path(preview["path"]).name == f"invoice-{draft['id']}-preview.pdf"


async def test_pdf_inline_is_rejected_before_any_request(client: Client, sandbox: Sandbox) -> None:
    before = len(sandbox.request_log)
    text = error_text(await client.call_tool("download_einvoice", {"invoice": 1, "kind": "pdf", "inline": True}))
    assert "inline" in text
    unknown_kind = await client.call_tool("download_einvoice", {"invoice": 1, "kind": "docx"})
    assert "kind" in error_text(unknown_kind)
    assert len(sandbox.request_log) == before


async def test_missing_upo_is_an_actionable_error(client: Client, arrange: Arrange, download_dir: Path) -> None:
    invoice = await arrange.invoice()
    text = error_text(await client.call_tool("download_einvoice", {"invoice": invoice["id"], "kind": "upo"}))
    assert f"no UPO for invoice {invoice['id']}" in text and "never sent to KSeF" in text
    unknown = error_text(await client.call_tool("download_einvoice", {"invoice": 987654, "kind": "xml"}))
    assert "invoice 987654 does not exist" in unknown
    assert not download_dir.exists() or not list(download_dir.iterdir())


async def test_inbound_xml_and_upo(client: Client, arrange: Arrange, download_dir: Path) -> None:
    state = arrange.inbound_state()
    xml = ok(await client.call_tool("download_inbound_einvoice", {"id": state["id"]}))
    content = _saved(xml, download_dir)
    assert str(state["invoiceNumber"]).encode() in content
    assert content == await arrange.raw(f"/e-invoicing/invoices/inbound/{state['id']}/download/xml")
    upo = ok(
        await client.call_tool("download_inbound_einvoice", {"id": f"/api/e-invoicing/{state['id']}", "kind": "upo"})
    )
    assert state["einvoicingNumber"].encode() in _saved(upo, download_dir)
    assert Path(upo["path"]).name == f"inbound-einvoice-{state['id']}-upo.xml"


async def test_zip_of_outbound_and_inbound_xml(
    client: Client, sandbox: Sandbox, arrange: Arrange, download_dir: Path
) -> None:
    outbound = [s for s in sandbox.store.all("e-invoicing") if s.get("direction") == "outbound"][:3]
    invoice_ids = [str(s["invoice"]).rsplit("/", 1)[1] for s in outbound]
    body = ok(await client.call_tool("download_einvoices_xml", {"ids": invoice_ids}))
    with zipfile.ZipFile(io.BytesIO(_saved(body, download_dir))) as archive:
        names = archive.namelist()
        assert len(names) == 3
        assert all(b"<Faktura" in archive.read(name) for name in names)
    assert body["content_type"] == "application/zip" and body["text"] is None

    inbound = [s["id"] for s in sandbox.store.all("e-invoicing") if s.get("direction") == "inbound"][:2]
    zipped = ok(await client.call_tool("download_einvoices_xml", {"ids": inbound, "direction": "inbound"}))
    with zipfile.ZipFile(io.BytesIO(_saved(zipped, download_dir))) as archive:
        assert len(archive.namelist()) == 2


async def test_file_names_never_leave_the_download_directory(
    client: Client, sandbox: Sandbox, download_dir: Path
) -> None:
    before = len(sandbox.request_log)
    escape = await client.call_tool("download_einvoice", {"invoice": "../../etc/passwd"})
    assert escape.is_error
    assert len(sandbox.request_log) == before
    assert not download_dir.exists() or all(p.parent == download_dir for p in download_dir.iterdir())


def test_file_names_are_made_of_safe_characters_only() -> None:
    assert safe_file_name("../../etc/passwd", ".xml") == "etc_passwd.xml"
    assert safe_file_name("FV/2026/11/0001 (kopia)", ".pdf") == "FV_2026_11_0001_kopia.pdf"
    assert safe_file_name("...", ".zip") == "download.zip"
    assert len(safe_file_name("x" * 500, ".pdf")) <= 124
    assert is_text("application/xml; charset=utf-8") and is_text("text/plain") and is_text("application/vnd.x+xml")
    assert not is_text("application/pdf") and not is_text("application/zip")
