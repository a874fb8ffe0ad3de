"""`POST /login`: LexikJWT's json_login, trading a username and password for a JWT."""

from __future__ import annotations

from flowtly_mcp.sandbox.auth import Authenticator
from flowtly_mcp.sandbox.errors import ApiError
from flowtly_mcp.sandbox.protocol import Call, Reply
from flowtly_mcp.sandbox.router import Handler


def login(auth: Authenticator) -> Handler:
    def handler(call: Call) -> Reply:
        payload = call.json()
        if not isinstance(payload, dict):
            raise ApiError(400, "Invalid JSON.")
        for key in ("username", "password"):
            if not isinstance(payload.get(key), str):
                raise ApiError(400, f'The key "{key}" must be provided.')
        token = auth.login(payload["username"], payload["password"])
        return Reply(200, {"token": token}, media_type="application/json")

    return handler
