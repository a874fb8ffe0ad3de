"""The Flowtly API client: the only code in flowtly-mcp that speaks HTTP to Flowtly (or to the sandbox).

from flowtly_mcp.api import ApiSettings, FlowtlyClient

async with FlowtlyClient(ApiSettings.from_env()) as api:
    invoice = await api.get("/api/invoices/12")
    overdue = await api.fetch_all("/invoices", {"status": "overdue"})
"""

from . import errors, refs, wire
from .client import FlowtlyClient
from .models import Download, Page, Slice
from .settings import ApiSettings

__all__ = ["ApiSettings", "Download", "FlowtlyClient", "Page", "Slice", "errors", "refs", "wire"]
