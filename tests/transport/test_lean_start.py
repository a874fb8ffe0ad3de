"""A lean start, held without timing it: answering tools/list imports nothing only a tool call needs.

The real command runs over stdio in a subprocess (`python -m flowtly_mcp`, wrapped only to write the names of its
imported modules when it exits); after initialize and tools/list its stdin is closed. Which modules were imported
is what makes a start slow, and unlike a time it does not depend on how busy the machine is.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.distribution.environment import ROOT, clean_env
from tests.distribution.stdio import StdioServer, stdio_server

pytestmark = pytest.mark.slow

# `python -m flowtly_mcp`, writing sys.modules when the process exits.
WRAPPER = (
    "import atexit, json, os, sys\n"
    "atexit.register(lambda: open(os.environ['MODULES_OUT'], 'w').write(json.dumps(sorted(sys.modules))))\n"
    "from flowtly_mcp.__main__ import main\n"
    "sys.exit(main())\n"
)

# Only a tool call (or a search) needs these: the tool modules and the models they build, the registry, the SDK
# binding, the search index, the emulator behind the embedded sandbox (its rules, seed data and FA(3) schemas), the
# approval store and page, and the libraries only those use; prompts and resources wait until a client asks for them.
NOT_FOR_LISTING = (
    "flowtly_mcp.prompts",
    "flowtly_mcp.resources",
    "flowtly_mcp.tools.all",
    "flowtly_mcp.tools.crud",
    "flowtly_mcp.tools.families",
    "flowtly_mcp.tools.clients",
    "flowtly_mcp.tools.counterparties",
    "flowtly_mcp.tools.invoices.sending",
    "flowtly_mcp.tools.ksef",
    "flowtly_mcp.tools.payments",
    "flowtly_mcp.tools.receivables",
    "flowtly_mcp.tools.reconciliation",
    "flowtly_mcp.tools.transactions",
    "flowtly_mcp.tools.kernel.binding",
    "flowtly_mcp.tools.kernel.catalog",
    "flowtly_mcp.tools.kernel.tool_search",
    "flowtly_mcp.tools.kernel.approval",
    "flowtly_mcp.models",
    "flowtly_mcp.search",
    "flowtly_mcp.finance.matching",
    "flowtly_mcp.finance.aging",
    "flowtly_mcp.finance.duplicates",
    "flowtly_mcp.sandbox.app",
    "flowtly_mcp.sandbox.seeding",
    "flowtly_mcp.sandbox.seed",
    "flowtly_mcp.sandbox.files",
    "flowtly_mcp.sandbox.rules",
    "flowtly_mcp.approvals.page",
    "flowtly_mcp.approvals.service",
    "flowtly_mcp.approvals.sqlite_store",
    "flowtly_mcp.approvals.redis_store",
    "xmlschema",
    "redis",
    "rapidfuzz",
)


def _imported(module: str, modules: set[str]) -> bool:
    return any(name == module or name.startswith(module + ".") for name in modules)


def _session(tmp_path: Path, *flags: str, call: str | None = None) -> tuple[list[str], set[str]]:
    """The tools listed by `flowtly-mcp FLAGS`, and the modules it had imported when it exited."""
    out = tmp_path / "modules.json"
    env = clean_env(
        MODULES_OUT=str(out), HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), PYTHONPATH=str(ROOT)
    )
    env.update({"FLOWTLY_BASE_URL": "http://127.0.0.1:9", "FLOWTLY_API_TOKEN": "t"} if "--sandbox" not in flags else {})
    server: StdioServer
    with stdio_server([sys.executable, "-c", WRAPPER, *flags], env, cwd=ROOT) as server:
        server.initialize()
        names = [tool["name"] for tool in server.request("tools/list")["tools"]]
        if call is not None:
            result = server.request("tools/call", {"name": call, "arguments": {"id": 1}})
            assert not result.get("isError"), result
        server.close_stdin()
        assert server.wait() == 0, server.stderr_text()
    return names, set(json.loads(out.read_text()))


@pytest.mark.parametrize("flags", [("--sandbox",), ()], ids=["sandbox", "real-api"])
def test_listing_the_default_tools_imports_nothing_a_call_needs(tmp_path: Path, flags: tuple[str, ...]) -> None:
    database = ("--sandbox-db", str(tmp_path / "sandbox.sqlite3")) if flags else ()
    names, modules = _session(tmp_path, *flags, *database)
    assert {"get_invoice", "top_debtors", "search_tools", "execute_tool"} <= set(names)
    imported = [module for module in NOT_FOR_LISTING if _imported(module, modules)]
    assert not imported, f"tools/list imported what only a call needs: {imported}"


def test_the_first_call_builds_its_tool_and_loads_the_sandbox(tmp_path: Path) -> None:
    """The other side of the lean start: what the list left out is loaded, and works, when a tool is called."""
    database = tmp_path / "sandbox.sqlite3"
    _, modules = _session(tmp_path, "--sandbox", "--sandbox-db", str(database), call="get_invoice")
    for module in ("flowtly_mcp.tools.all", "flowtly_mcp.tools.kernel.binding", "flowtly_mcp.sandbox.app"):
        assert _imported(module, modules), module
