"""Uploads read local files only from allowed places, and the preview names the resolved file and its size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import ListRootsResult, Root

from flowtly_mcp.sandbox import Sandbox

from .conftest import MODES, ServerFactory, error_text, ok, writes

pytestmark = pytest.mark.anyio
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SETTINGS = b"<settings><servers><server><password>hunter2-maven</password></server></servers></settings>\n"


def _places(tmp_path: Path) -> tuple[Path, Path, Path]:
    documents, home = tmp_path / "documents", tmp_path / "home"
    (home / ".m2").mkdir(parents=True)
    documents.mkdir()
    settings = home / ".m2" / "settings.xml"
    settings.write_bytes(SETTINGS)
    (documents / "receipt.pdf").write_bytes(PDF)
    return documents, home, settings


@pytest.mark.parametrize("mode", MODES)
async def test_files_outside_the_upload_folder_hidden_or_linked_out_are_refused(
    mode: str, tmp_path: Path, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    documents, home, settings = _places(tmp_path)
    (documents / "innocent.xml").symlink_to(settings)
    before = len(writes(sandbox))
    async with Client(make_server(FLOWTLY_UPLOAD_DIR=str(documents)), mode=mode) as client:
        outside = error_text(await client.call_tool("upload_transaction_attachment", {"file_path": str(settings)}))
        assert "outside the folders uploads may read" in outside and str(documents) in outside
        linked = {"file_path": str(documents / "innocent.xml")}
        assert "outside" in error_text(await client.call_tool("upload_transaction_attachment", linked))
        preview = ok(
            await client.call_tool("upload_transaction_attachment", {"file_path": str(documents / "receipt.pdf")})
        )
    assert preview["status"] == "confirmation_required"
    assert preview["preview"]["details"]["source"] == str((documents / "receipt.pdf").resolve())
    assert preview["preview"]["details"]["size"] == f"{len(PDF)} bytes"
    async with Client(make_server(FLOWTLY_UPLOAD_DIR=str(home)), mode=mode) as client:
        hidden = error_text(await client.call_tool("upload_transaction_attachment", {"file_path": str(settings)}))
        assert "hidden" in hidden
    assert len(writes(sandbox)) == before


async def test_without_an_upload_folder_or_roots_no_local_file_is_read(
    tmp_path: Path, make_server: ServerFactory
) -> None:
    documents, _, _ = _places(tmp_path)
    async with Client(make_server(FLOWTLY_UPLOAD_DIR=""), mode="legacy") as client:
        text = error_text(
            await client.call_tool("upload_transaction_attachment", {"file_path": str(documents / "receipt.pdf")})
        )
    assert "FLOWTLY_UPLOAD_DIR" in text and "content_base64" in text


async def test_the_clients_declared_roots_allow_their_files(
    tmp_path: Path, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    documents, _, settings = _places(tmp_path)

    async def roots(context: Any) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=documents.as_uri(), name="documents")])  # type: ignore[arg-type]

    async with Client(make_server(FLOWTLY_UPLOAD_DIR=""), mode="legacy", list_roots_callback=roots) as client:
        receipt = {"file_path": str(documents / "receipt.pdf")}
        first = ok(await client.call_tool("upload_transaction_attachment", receipt))
        token = {**receipt, "confirmation_token": first["confirmation_token"]}
        done = ok(await client.call_tool("upload_transaction_attachment", token))
        refused = error_text(await client.call_tool("upload_transaction_attachment", {"file_path": str(settings)}))
    assert done["status"] == "done" and "outside" in refused
    uploaded = [a for a in sandbox.store.all("transaction-attachments") if a.get("fileName") == "receipt.pdf"]
    assert len(uploaded) == 1
