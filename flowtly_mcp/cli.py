"""Command line: `flowtly-mcp` serves MCP (stdio or HTTP); `sandbox`, `tools` and `call` are helpers for people."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowtly_mcp import __version__
from flowtly_mcp.approvals.commands import add_approvals_parser, run_approvals
from flowtly_mcp.config import ConfigError, ServerSettings, parse_bool, parse_confirm, parse_toolsets

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

SANDBOX_TOKEN = "sandbox-token"
SANDBOX_BASE_URL = "http://sandbox.flowtly.local"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flowtly-mcp", description="MCP server for the Flowtly finance API.")
    parser.add_argument("--version", action="version", version=f"flowtly-mcp {__version__}")
    parser.add_argument(
        "--sandbox", action="store_true", help="serve against the embedded sandbox, no account (FLOWTLY_SANDBOX)"
    )
    parser.add_argument("--sandbox-db", type=Path, help="sandbox database file (default: in the user data dir)")
    parser.add_argument("--toolsets", help="comma list of toolsets, 'default' or 'all' (FLOWTLY_TOOLSETS)")
    parser.add_argument("--read-only", action="store_true", default=None, help="list only read tools")
    parser.add_argument("--confirm", help="auto | elicit | token | off (FLOWTLY_CONFIRM)")
    parser.add_argument("--audit-log", type=Path, help="append every write as a JSON line here")
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    parser.add_argument("--host", help="HTTP bind address (FLOWTLY_HTTP_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="HTTP port (FLOWTLY_HTTP_PORT, default 8000)")
    parser.add_argument("--workers", type=int, help="HTTP worker processes (FLOWTLY_HTTP_WORKERS, default 1)")
    parser.add_argument("--public-url", help="the MCP endpoint's URL as clients see it (FLOWTLY_HTTP_PUBLIC_URL)")
    parser.add_argument("--allowed-hosts", help="extra Host header values to accept (FLOWTLY_HTTP_ALLOWED_HOSTS)")
    parser.add_argument("--allowed-origins", help="extra Origin values to accept (FLOWTLY_HTTP_ALLOWED_ORIGINS)")
    parser.add_argument("--log-level", default="WARNING")
    commands = parser.add_subparsers(dest="command")

    sandbox = commands.add_parser("sandbox", help="serve the sandbox API alone over HTTP")
    sandbox.add_argument("--port", type=int, default=8765)
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--token", default=SANDBOX_TOKEN)
    sandbox.add_argument("--db", type=Path, help="database file (default: in the user data dir)")
    sandbox.add_argument("--reset", action="store_true", help="delete the database and reseed, then exit")
    sandbox.add_argument(
        "--profile",
        choices=("documented", "extended"),
        help="served shape: only the published fields, or the extras too (default: FLOWTLY_SANDBOX_PROFILE)",
    )

    commands.add_parser("tools", help="list the tools the server would expose")
    call = commands.add_parser("call", help="call one tool through an in-memory MCP client and print the result")
    call.add_argument("tool")
    call.add_argument("arguments", nargs="?", default="{}", help="JSON object of arguments")
    add_approvals_parser(commands)
    return parser


def settings_from(args: argparse.Namespace, environ: dict[str, str] | None = None) -> ServerSettings:
    env = dict(os.environ if environ is None else environ)
    if args.sandbox:
        env["FLOWTLY_BASE_URL"] = SANDBOX_BASE_URL
        env["FLOWTLY_API_TOKEN"] = SANDBOX_TOKEN
        env.pop("FLOWTLY_USERNAME", None)
        env.pop("FLOWTLY_PASSWORD", None)
    settings = ServerSettings.from_env(env)
    overrides: dict[str, Any] = {"sandbox": bool(args.sandbox)}
    if args.toolsets:
        overrides["toolsets"] = parse_toolsets("--toolsets", args.toolsets)
    if args.read_only:
        overrides["read_only"] = True
    if args.confirm:
        overrides["confirm"] = parse_confirm("--confirm", args.confirm)
    if args.audit_log:
        overrides["audit_log"] = args.audit_log
    return settings.model_copy(update=overrides)


def _sandbox_transport(db: Path | None) -> Any:
    # The database is locked now (a busy or unusable file fails at start-up); the emulator loads on first use.
    from flowtly_mcp.sandbox.deferred import DeferredSandbox
    from flowtly_mcp.sandbox.server import default_db_path

    return DeferredSandbox(SANDBOX_TOKEN, db or default_db_path())


def _build(args: argparse.Namespace) -> Any:
    from flowtly_mcp.server import build_server

    settings = settings_from(args)
    transport = _sandbox_transport(args.sandbox_db) if args.sandbox else None
    if not args.sandbox:
        settings.api.check_auth()
    return build_server(settings, transport=transport)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # Ctrl-C is how a person in a terminal stops the server: a goodbye, not a traceback.
        _say_stopped()
        return 130


_STOPPED = threading.Event()
STOP_GRACE = 3.0  # seconds the server gets to unwind after Ctrl-C before the process ends regardless


def _say_stopped() -> None:
    if not _STOPPED.is_set():
        _STOPPED.set()
        print("flowtly-mcp: stopped", file=sys.stderr, flush=True)


def _exit_after_grace() -> None:
    _say_stopped()
    os._exit(130)


def _serve_stdio(server: MCPServer[Any], announce: Callable[[], Awaitable[None]]) -> int:
    """Serve over stdio until the client closes stdin (0) or a person presses Ctrl-C (130), without a traceback.

    Ctrl-C cancels the server like any other task. Once a client has connected, the SDK's unwinding can wait for a
    read of stdin that never returns, so the process ends STOP_GRACE seconds later regardless: a request still
    running then is cut off, as closing the terminal would cut it off; a finished one is already committed.
    """
    import anyio

    if sys.platform == "win32":  # no signal receivers in asyncio there: KeyboardInterrupt reaches main()
        anyio.run(announce)
        server.run()
        return 0
    interrupted = threading.Event()

    async def serve() -> None:
        async with anyio.create_task_group() as group:

            async def stop_on_ctrl_c() -> None:
                with anyio.open_signal_receiver(signal.SIGINT) as signals:
                    async for _ in signals:
                        interrupted.set()
                        timer = threading.Timer(STOP_GRACE, _exit_after_grace)
                        timer.daemon = True
                        timer.start()
                        group.cancel_scope.cancel()
                        return

            group.start_soon(stop_on_ctrl_c)
            await announce()  # in the serving event loop: a second one would cost the start-up its creation
            await server.run_stdio_async()
            group.cancel_scope.cancel()

    anyio.run(serve)
    if interrupted.is_set():
        _say_stopped()
        return 130
    return 0


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    # stdout carries the MCP protocol over stdio: logs go to stderr.
    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    # One line per HTTP request is noise at INFO; our own client logs requests at DEBUG.
    logging.getLogger("httpx2").setLevel(max(logging.WARNING, logging.getLogger().level))
    try:
        # A switch a settings form can set (the Claude Desktop bundle's "sandbox mode"), as well as the flag.
        args.sandbox = args.sandbox or parse_bool("FLOWTLY_SANDBOX", os.environ.get("FLOWTLY_SANDBOX", ""))
        if args.command == "sandbox":
            return _run_sandbox(args)
        if args.command == "tools":
            return _list_tools(args)
        if args.command == "call":
            return _call(args)
        if args.command == "approvals":
            return run_approvals(args)
        if args.transport == "http":
            return _serve_http(args)
        server = _build(args)
        return _serve_stdio(server, announce=partial(_announce_stdio, server, args))
    except ConfigError as exc:
        print(f"flowtly-mcp: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from flowtly_mcp.api import errors
        from flowtly_mcp.sandbox import SandboxUnavailable

        if isinstance(exc, errors.ConfigurationError | SandboxUnavailable):
            print(f"flowtly-mcp: {exc}", file=sys.stderr)
            return 2
        raise


async def _announce_stdio(server: MCPServer[Any], args: argparse.Namespace) -> None:
    """One line on stderr once the server is built: a person in a terminal knows it is up and what it serves."""
    count = len(await server.list_tools())
    if args.sandbox:
        from flowtly_mcp.sandbox import default_db_path

        source = f"the embedded sandbox (database {args.sandbox_db or default_db_path()})"
    else:
        source = settings_from(args).api.base_url
    print(
        f"flowtly-mcp {__version__} ready: {count} tools over stdio against {source}; "
        "waiting for an MCP client on stdin (Ctrl-C to stop)",
        file=sys.stderr,
        flush=True,
    )


def _serve_http(args: argparse.Namespace) -> int:
    from flowtly_mcp.transport.http import serve, serve_workers
    from flowtly_mcp.transport.settings import HttpSettings

    # Bearer tokens come from FLOWTLY_HTTP_TOKENS only: a command-line flag would show them in `ps`.
    http = HttpSettings.from_env(
        host=args.host,
        port=args.port,
        workers=args.workers,
        public_url=args.public_url,
        allowed_hosts=_comma_list(args.allowed_hosts),
        allowed_origins=_comma_list(args.allowed_origins),
    )
    http.check(settings_from(args))
    if http.workers == 1:
        serve(_build(args), http, log_level=args.log_level)
        return 0
    if args.sandbox:
        raise ConfigError(
            "--sandbox keeps one sandbox inside each process, so --workers would each see their own data; "
            "run `flowtly-mcp sandbox` once and point FLOWTLY_BASE_URL (and FLOWTLY_API_TOKEN) at it"
        )
    settings_from(args).api.check_auth()
    serve_workers(http, _worker_env(args), log_level=args.log_level)
    return 0


def _comma_list(raw: str | None) -> tuple[str, ...] | None:
    return None if raw is None else tuple(part.strip() for part in raw.split(",") if part.strip())


def _worker_env(args: argparse.Namespace) -> dict[str, str]:
    """The flags as environment variables: worker processes configure themselves from the environment."""
    env = {"FLOWTLY_TOOLSETS": args.toolsets, "FLOWTLY_CONFIRM": args.confirm}
    if args.read_only:
        env["FLOWTLY_READ_ONLY"] = "true"
    if args.audit_log:
        env["FLOWTLY_AUDIT_LOG"] = str(args.audit_log)
    return {name: value for name, value in env.items() if value}


def _run_sandbox(args: argparse.Namespace) -> int:
    from flowtly_mcp.sandbox import default_db_path, reset_database, serve_sandbox

    db = args.db or default_db_path()
    if args.reset:
        deleted = reset_database(db)
        print(f"sandbox database {'reset' if deleted else 'not found, nothing to reset'}: {db}", file=sys.stderr)
        return 0
    print(f"sandbox on http://{args.host}:{args.port} (token {args.token}, db {db})", file=sys.stderr)
    serve_sandbox(port=args.port, host=args.host, token=args.token, db_path=db, profile=args.profile)
    return 0


def _list_tools(args: argparse.Namespace) -> int:
    import anyio
    from mcp import Client

    server = _build(args)

    async def run() -> None:
        async with Client(server) as client:
            for tool in (await client.list_tools()).tools:
                print(f"{tool.name:40} {tool.description}")

    anyio.run(run)
    return 0


def _call(args: argparse.Namespace) -> int:
    import anyio
    from mcp import Client

    try:
        arguments = json.loads(args.arguments)
    except json.JSONDecodeError as exc:
        print(f"flowtly-mcp: arguments must be a JSON object: {exc}", file=sys.stderr)
        return 2
    server = _build(args)
    outcome: dict[str, Any] = {}

    async def run() -> None:
        async with Client(server) as client:
            result = await client.call_tool(args.tool, arguments)
            outcome["error"] = result.is_error
            payload = result.structured_content
            text = json.dumps(payload, indent=2, ensure_ascii=False) if payload is not None else None
            print(text or "\n".join(getattr(c, "text", "") for c in result.content))

    anyio.run(run)
    return 1 if outcome.get("error") else 0
