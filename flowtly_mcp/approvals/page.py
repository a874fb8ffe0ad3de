"""The local approval page: a person opens a one-time link on this machine and approves or rejects one call.

Served on loopback only. The link carries the approval's secret (`/approvals/{id}/{secret}`), so the id the model
holds is not enough to reach it. Deciding is a POST that must come from the page itself: the Host header must name
this server (else 421, against DNS rebinding), the Origin must be this server (else 403), and the form must carry a
token bound to the approval's secret and to a SameSite=Strict cookie set when the page was shown (else 403).
Approving only marks the approval approved; the server runs the call once, when it is consumed.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from functools import partial

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from flowtly_mcp.approvals.display import preview_lines
from flowtly_mcp.approvals.models import ApprovalStatus, PendingApproval
from flowtly_mcp.approvals.service import (
    ApprovalError,
    ApprovalService,
    ApprovalTicket,
    BadApprovalSecret,
    Decision,
    UnknownApproval,
)

COOKIE = "flowtly_approval"
_HEADERS = {
    # Nothing but the page's own inline styles; no scripts at all; the form posts only back here.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",  # no clickjacking the Approve button from another page
    # The URL holds the secret: never sent to another site. (Not no-referrer: Chromium then sends `Origin: null`
    # with the page's own POST, and the Origin check could not tell it from a foreign one.)
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.3rem} table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:.35rem .5rem;
border-bottom:1px solid #ddd;vertical-align:top} th{width:12rem;color:#555;font-weight:500}
td{font-family:ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
tr.warning td,tr.warning th{color:#8a1c00;font-weight:600}
.status{padding:.6rem .8rem;border-radius:6px;background:#f3f3f3}
button{font-size:1rem;padding:.55rem 1.4rem;margin-right:.8rem;border-radius:6px;border:1px solid #888;cursor:pointer}
button.approve{background:#0b6b2e;color:#fff;border-color:#0b6b2e} button.reject{background:#fff;color:#8a1c00}
"""


def _csrf_token(secret: str, approval_id: str, cookie: str) -> str:
    """Bound to the approval (its secret and id) and to this browser (its cookie)."""
    return hmac.new(secret.encode(), f"csrf:{approval_id}:{cookie}".encode(), hashlib.sha256).hexdigest()


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    document = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>'
        f"<body>{body}</body></html>"
    )
    return HTMLResponse(document, status_code=status_code, headers=_HEADERS)


def _preview_table(approval: PendingApproval) -> str:
    rows = "".join(
        f'<tr class="{line.kind}"><th>{html.escape(line.label)}</th><td>{html.escape(line.value)}</td></tr>'
        for line in preview_lines(approval.tool, approval.preview)
    )
    return f'<table id="preview">{rows}</table>'


class _Checks:
    def __init__(self, allowed_hosts: frozenset[str]) -> None:
        self.allowed_hosts = allowed_hosts

    def host(self, request: Request) -> Response | None:
        if request.headers.get("host", "").lower() not in self.allowed_hosts:
            return Response("Misdirected request: this page answers only on loopback.", status_code=421)
        return None

    def origin(self, request: Request) -> Response | None:
        origin = request.headers.get("origin")
        if origin is None or origin.lower() != f"http://{request.headers.get('host', '').lower()}":
            return _page(
                "Refused", "<h1>Refused</h1><p id='status'>Decisions are accepted only from this page.</p>", 403
            )
        return None


def build_page_app(service: ApprovalService, allowed_hosts: frozenset[str]) -> Starlette:
    """The page's ASGI app; `allowed_hosts` are the exact Host header values it answers (e.g. `127.0.0.1:8123`)."""
    checks = _Checks(allowed_hosts)
    not_found = "<h1>Not found</h1><p>This approval link is not valid. Links are one-time and expire.</p>"

    def load(request: Request) -> tuple[PendingApproval, str] | Response:
        approval_id, secret = request.path_params["approval_id"], request.path_params["secret"]
        try:
            return service.check_secret(approval_id, secret), secret
        except (UnknownApproval, BadApprovalSecret):
            # One answer for both, so the page is no oracle for which ids exist.
            return _page("Not found", not_found, 404)

    def show(request: Request) -> Response:
        if (refused := checks.host(request)) is not None:
            return refused
        loaded = load(request)
        if isinstance(loaded, Response):
            return loaded
        approval, secret = loaded
        heading = f"<h1>Approve this {html.escape(approval.tool)} call?</h1>"
        table = _preview_table(approval)
        if approval.status is not ApprovalStatus.PENDING or service.is_expired(approval):
            state = "expired" if service.is_expired(approval) else approval.status.value
            return _page("Approval", f'{heading}<p class="status" id="status">This approval is {state}.</p>{table}')
        cookie = secrets.token_urlsafe(24)
        token = _csrf_token(secret, approval.id, cookie)
        form = (
            f'<form method="post"><input type="hidden" name="csrf" value="{token}">'
            '<button class="approve" name="decision" value="approve" id="approve">Approve</button>'
            '<button class="reject" name="decision" value="reject" id="reject">Reject</button></form>'
        )
        expires = time.strftime("%H:%M:%S UTC", time.gmtime(approval.expires_at))
        note = f'<p class="status" id="status">Waiting for your decision (expires {expires}).</p>'
        response = _page("Approval", f"{heading}{note}{table}<p></p>{form}")
        response.set_cookie(
            COOKIE, cookie, httponly=True, samesite="strict", path=f"/approvals/{approval.id}", max_age=3600
        )
        return response

    async def decide(request: Request) -> Response:
        if (refused := checks.host(request)) is not None:
            return refused
        if (refused := checks.origin(request)) is not None:
            return refused
        loaded = await anyio.to_thread.run_sync(load, request)  # the store may be Redis: keep the loop free
        if isinstance(loaded, Response):
            return loaded
        approval, secret = loaded
        form = await request.form()
        cookie = request.cookies.get(COOKIE, "")
        sent = str(form.get("csrf", ""))
        if not cookie or not hmac.compare_digest(sent, _csrf_token(secret, approval.id, cookie)):
            return _page(
                "Refused", "<h1>Refused</h1><p id='status'>The form has expired; open the link again.</p>", 403
            )
        decision = str(form.get("decision", ""))
        if decision not in ("approve", "reject"):
            return _page("Refused", "<h1>Refused</h1><p id='status'>Choose Approve or Reject.</p>", 400)
        try:
            choice: Decision = "approve" if decision == "approve" else "reject"
            decided = await anyio.to_thread.run_sync(partial(service.decide, approval.id, choice, by="approval-page"))
        except ApprovalError as exc:
            return _page("Not decided", f'<h1>Not decided</h1><p id="status">{html.escape(str(exc))}</p>', 409)
        outcome = (
            "Approved. The call will run once, when the server carries it out."
            if decided.status is ApprovalStatus.APPROVED
            else "Rejected. Nothing will run."
        )
        return _page(
            "Decided",
            f'<h1>{outcome.split(".")[0]}</h1><p class="status" id="status">{outcome}</p>{_preview_table(decided)}',
        )

    return Starlette(
        routes=[
            Route("/approvals/{approval_id}/{secret}", show, methods=["GET"]),
            Route("/approvals/{approval_id}/{secret}", decide, methods=["POST"]),
        ]
    )


@dataclass
class _Running:
    server: uvicorn.Server
    thread: threading.Thread
    base_url: str


class ApprovalPage:
    """Runs the page on a loopback port in a background thread, for the life of the MCP server process."""

    def __init__(self, service: ApprovalService, *, host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the approval page serves loopback only (127.0.0.1, localhost or ::1)")
        self.service = service
        self.host = host
        self.port = port
        self._running: _Running | None = None
        self._lock = threading.Lock()

    def url_for(self, ticket: ApprovalTicket) -> str:
        """The one-time link for a ticket; starts the page on first use."""
        return self.start() + ticket.page_path()

    def start(self) -> str:
        """The page's base URL, starting it if needed."""
        with self._lock:
            if self._running is not None:
                return self._running.base_url
            family = socket.AF_INET6 if self.host == "::1" else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", self.port))
            port = sock.getsockname()[1]
            hosts = frozenset({f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"})
            app = build_page_app(self.service, hosts)
            config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
            server = uvicorn.Server(config)
            thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="approval-page")
            thread.start()
            deadline = time.monotonic() + 10
            while not server.started and thread.is_alive() and time.monotonic() < deadline:
                time.sleep(0.01)
            if not server.started:
                server.should_exit = True
                raise RuntimeError("the approval page did not start")
            shown_host = "[::1]" if family == socket.AF_INET6 else self.host
            self._running = _Running(server, thread, f"http://{shown_host}:{port}")
            return self._running.base_url

    def stop(self) -> None:
        with self._lock:
            running, self._running = self._running, None
        if running is not None:
            running.server.should_exit = True
            running.thread.join(timeout=10)
