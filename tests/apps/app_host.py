"""A minimal MCP Apps host for the view tests (approval, receivables): a page that speaks the bridge, in front
of a real MCP server.

The page (served on loopback) renders a tool's `ui://` view in a sandboxed iframe (`allow-scripts` only, so the
view has an opaque origin, as real hosts do), answers `ui/initialize`, hands the view the tool result, and proxies
the view's `tools/call` to the server through a real `mcp.Client` — refusing tools not visible to apps, as the spec
asks of hosts.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn
from mcp import Client
from mcp.client.extension import advertise
from mcp.server.mcpserver import MCPServer
from mcp.types import Tool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from flowtly_mcp.apps.mcp_apps import MCP_APP_MIME_TYPE, UI_EXTENSION

HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Test host</title>
<style>body{margin:0;font:13px system-ui} iframe{border:1px solid #bbb;width:860px;height:520px;margin:10px}</style>
</head><body>
<div id="log">host ready</div>
<iframe id="view" sandbox="allow-scripts"></iframe>
<script>
const frame = document.getElementById("view");
let toolResult = null;
async function post(path, body) {
  const response = await fetch(path, {method: "POST", headers: {"content-type": "application/json"},
                                      body: JSON.stringify(body)});
  return response.json();
}
function send(message) { frame.contentWindow.postMessage(message, "*"); }
window.addEventListener("message", async (event) => {
  if (event.source !== frame.contentWindow) return;
  const msg = event.data;
  if (!msg || msg.jsonrpc !== "2.0") return;
  if (msg.method === "ui/initialize") {
    send({jsonrpc: "2.0", id: msg.id, result: {protocolVersion: "2026-01-26",
          hostInfo: {name: "flowtly-test-host", version: "1"}, hostCapabilities: {serverTools: {}},
          hostContext: {theme: "light", displayMode: "inline", platform: "web"}}});
  } else if (msg.method === "ui/notifications/initialized") {
    window.viewInitialized = true;
    send({jsonrpc: "2.0", method: "ui/notifications/tool-result", params: toolResult});
  } else if (msg.method === "tools/call") {
    const answer = await post("/host/tools/call", msg.params);
    window.toolCalls = (window.toolCalls || 0) + 1;
    if (answer.error) send({jsonrpc: "2.0", id: msg.id, error: {code: -32602, message: answer.error}});
    else send({jsonrpc: "2.0", id: msg.id, result: answer.result});
  } else if (msg.method === "ui/notifications/size-changed") {
    window.lastSize = msg.params;
    // As hosts do for inline views: the frame grows to the view's height, so a full-page screenshot shows it all.
    if (msg.params.height) frame.style.height = (msg.params.height + 4) + "px";
  } else if (msg.id !== undefined) {
    send({jsonrpc: "2.0", id: msg.id, error: {code: -32601, message: "Method not found"}});
  }
});
(async () => {
  const start = await post("/host/start", {});
  toolResult = start.result;
  frame.srcdoc = start.html;
})();
</script></body></html>"""


def visible_to(tool: Tool, audience: str) -> bool:
    ui = (tool.meta or {}).get("ui") or {}
    return audience in ui.get("visibility", ["model", "app"])


class AppHost:
    """Serves the host page; `/host/start` makes the model-side call of `tool` with `arguments`."""

    def __init__(self, server: MCPServer[Any], tool: str, arguments: dict[str, Any]) -> None:
        self.server = server
        self.tool = tool
        self.arguments = arguments
        # A host that renders views declares the UI extension, as a real one does: only then does the server list
        # the view links and app-only tools, and answer guarded calls with the view.
        self.extensions = [advertise(UI_EXTENSION, {"mimeTypes": [MCP_APP_MIME_TYPE]})]
        # The structured content of the model-side call (an approval id, a preview, a report).
        self.structured: dict[str, Any] = {}
        self.proxied: list[str] = []
        # The tool result handed to the view, as the host page received it (JSON, by alias).
        self.result: dict[str, Any] | None = None
        app = Starlette(
            routes=[
                Route("/", self.page),
                Route("/favicon.ico", self.no_icon),
                Route("/host/start", self.start_view, methods=["POST"]),
                Route("/host/tools/call", self.call_tool, methods=["POST"]),
            ]
        )
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/"
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def __enter__(self) -> AppHost:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    async def page(self, request: Request) -> HTMLResponse:
        return HTMLResponse(HOST_PAGE)

    async def no_icon(self, request: Request) -> Response:
        # The browser asks for one; a 404 would be a console error the tests count.
        return Response(status_code=204)

    async def start_view(self, request: Request) -> JSONResponse:
        async with Client(self.server, extensions=self.extensions) as client:
            tool = next(t for t in (await client.list_tools()).tools if t.name == self.tool)
            uri = (tool.meta or {})["ui"]["resourceUri"]
            result = await client.call_tool(self.tool, self.arguments)
            self.structured = result.structured_content or {}
            contents = (await client.read_resource(uri)).contents[0]
        assert contents.mime_type == MCP_APP_MIME_TYPE
        html = getattr(contents, "text", "")
        self.result = result.model_dump(mode="json", by_alias=True, exclude_none=True)
        return JSONResponse({"result": self.result, "html": html})

    async def call_tool(self, request: Request) -> JSONResponse:
        params = await request.json()
        name = params.get("name", "")
        async with Client(self.server, extensions=self.extensions) as client:
            tool = next((t for t in (await client.list_tools()).tools if t.name == name), None)
            if tool is None or not visible_to(tool, "app"):
                return JSONResponse({"error": f"tool {name} is not available to apps"})
            self.proxied.append(name)
            result = await client.call_tool(name, params.get("arguments") or {})
        return JSONResponse({"result": result.model_dump(mode="json", by_alias=True, exclude_none=True)})
