"""A server built inside a host that configured no logging stays quiet at its default level.

The SDK configures logging at INFO when nothing else has, and the HTTP client logs every request at INFO, URL and
filters included; flowtly-mcp asks for WARNING, so a host process gets no line per API call unless it asks for one.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import anyio, httpx2
    from mcp import Client
    from flowtly_mcp.config import ServerSettings
    from flowtly_mcp.sandbox import Sandbox, SandboxConfig
    from flowtly_mcp.server import build_server

    async def main():
        box = Sandbox(SandboxConfig(token="t"))
        settings = ServerSettings.from_env(
            {"FLOWTLY_BASE_URL": "http://sandbox.test", "FLOWTLY_API_TOKEN": "t", "FLOWTLY_AUDIT_LOG": "audit.jsonl"}
        )
        async with Client(build_server(settings, transport=httpx2.ASGITransport(app=box.app))) as client:
            result = await client.call_tool("get_invoice", {"id": "1"})
        print(result.content[0].text if result.is_error else "answered")

    anyio.run(main)
    """
)


def test_an_embedded_server_logs_no_line_per_api_request(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "answered"
    assert "HTTP Request" not in done.stderr and "/invoices" not in done.stderr, done.stderr[-2000:]
