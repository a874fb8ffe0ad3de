"""Every error text passes redaction on its way to a result or the audit: violation messages that echo a credential,
in plain or base64 form, and a base URL carrying credentials is refused at start-up."""

from __future__ import annotations

import base64
import json

import pytest
from mcp import Client

from flowtly_mcp.api.errors import ConfigurationError
from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox

from .conftest import TOKEN, ServerFactory, text_of
from .faults import FaultTransport, Status, on

pytestmark = pytest.mark.anyio


async def test_a_violation_echoing_the_token_is_masked_in_result_and_audit(
    wire: FaultTransport, sandbox: Sandbox, make_server: ServerFactory, server_dir: object
) -> None:
    encoded = base64.b64encode(TOKEN.encode()).decode()
    body = {
        "violations": [
            {"propertyPath": "dueDays", "message": f"token {TOKEN} may not change this"},
            {"propertyPath": "name", "message": f"credential {encoded} rejected (Basic dXNlcjpodW50ZXIy)"},
        ]
    }
    client_id = sandbox.store.all("clients")[0]["id"]
    wire.inject(
        Status(422, json.dumps(body).encode(), "application/problem+json"), on("PATCH", f"/clients/{client_id}")
    )
    async with Client(make_server()) as client:
        result = await client.call_tool("update_client", {"id": str(client_id), "dueDays": 30})
    text = text_of(result)
    assert result.is_error and "dueDays" in text and "***" in text
    audit = (server_dir / "audit.jsonl").read_text()  # type: ignore[operator]
    for leaked in (TOKEN, encoded, encoded.rstrip("="), "dXNlcjpodW50ZXIy"):
        assert leaked not in text and leaked not in audit


def test_a_base_url_with_credentials_is_refused_at_start_up() -> None:
    with pytest.raises(ConfigurationError) as refused:
        ServerSettings.from_env({"FLOWTLY_BASE_URL": "https://user:pw-s3cret@api.flowtly.eu", "FLOWTLY_API_TOKEN": "t"})
    message = str(refused.value)
    assert "FLOWTLY_BASE_URL" in message and "credentials" in message and "pw-s3cret" not in message
