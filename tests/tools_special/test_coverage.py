"""Every special tool is exercised by this suite, and the special tools cover every non-CRUD operation."""

from __future__ import annotations

from pathlib import Path

from flowtly_mcp.api.endpoints import operations
from flowtly_mcp.tools.all import special_specs, workflow_specs
from flowtly_mcp.tools.crud import crud_specs

HERE = Path(__file__).parent


def test_every_special_tool_is_called_by_a_test() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_*.py") if p.name != Path(__file__).name)
    uncalled = [spec.name for spec in special_specs() if f'"{spec.name}"' not in sources]
    assert uncalled == []


def test_special_tools_cover_what_crud_does_not() -> None:
    # The workflows count too: sending one invoice and the inbound sync are reachable only through them since the
    # merges (send_einvoice into send_invoice_to_ksef, sync_inbound_invoices into sync_inbound_einvoices).
    crud = {op for spec in crud_specs() for op in spec.operations}
    special = {op for spec in [*special_specs(), *workflow_specs()] for op in spec.operations}
    assert operations() - crud <= special
    assert special <= operations()
    assert len(operations() - crud) == 40
