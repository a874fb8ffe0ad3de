"""The published tool list, generated from the live build and checked in, so that `tools/list` needs no tool built.

Answering `tools/list` from the live build means importing every tool module and generating the schemas of every
listed tool before a client sees anything; most sessions then call a few tools, and some none. The list is a pure
function of the sources, the SDK and pydantic, and three settings (toolsets, read-only, confirmation policy), so
`flowtly_mcp/tool_list.py` generates it once, with the tool snapshot (`UPDATE_TOOL_SNAPSHOTS=1 pytest tests -k
snapshot`), into `flowtly_mcp/data/tool_list.json`; a server lists from it and builds each tool when first called.

The file names the fingerprint of what it was generated from (the package's sources that tools import, the endpoint
inventory, the mcp and pydantic versions); when they differ, it is ignored and the server builds its list
live, so a stale file can slow a start down but never changes what is published. tests/tools/test_tool_list_cache.py
holds that the file is current and that every combination of settings lists exactly what the live build lists.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowtly_mcp.toolsets import CORE

if TYPE_CHECKING:
    from flowtly_mcp.config import ServerSettings

PACKAGE = Path(__file__).resolve().parents[2]
CACHE_FILE = PACKAGE / "data" / "tool_list.json"
# What the published list can depend on besides the package's own sources (importlib.metadata would cost a start
# more than the whole fingerprint: the installed versions are read from the names of their dist-info folders).
_DISTRIBUTIONS = ("mcp", "mcp_types", "pydantic", "pydantic_core")
Listing = dict[str, Any]  # one tool as tools/list publishes it (camelCase keys, `_meta`)


def fingerprint() -> str:
    """A digest of everything the published list is generated from."""
    digest = hashlib.blake2b(digest_size=16)
    for path in _sources():
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update("\0".join(_installed()).encode())
    return digest.hexdigest()


# What no tool imports: the sandbox (the other side of the wire), the prompts, the resources, the search ranker (used
# by search_tools' answers, not its listing), the transports and the command line. Leaving them out keeps the
# fingerprint cheap; the snapshot test compares the file with a fresh generation whatever changed.
_NOT_LISTED_FOLDERS = frozenset({"sandbox", "prompts", "search", "transport", "static", "__pycache__"})
_NOT_LISTED_FILES = frozenset({"__main__.py", "cli.py", "resources.py", "deferred_parts.py"})


def _sources() -> list[Path]:
    found: list[Path] = []
    for folder, subfolders, files in os.walk(PACKAGE):
        subfolders[:] = [name for name in subfolders if name not in _NOT_LISTED_FOLDERS]
        top = Path(folder) == PACKAGE
        found += [
            Path(folder, name)
            for name in files
            if name.endswith((".py", ".json")) and not (top and name in _NOT_LISTED_FILES) and name != "tool_list.json"
        ]
    return sorted(found)


def _installed() -> list[str]:
    import mcp

    site = Path(mcp.__file__).resolve().parents[1]
    # One listing of site-packages, matched here: globbing it once per name costs more than the whole hash.
    prefixes = tuple(f"{name}-" for name in _DISTRIBUTIONS)
    return sorted(entry for entry in os.listdir(site) if entry.endswith(".dist-info") and entry.startswith(prefixes))


@dataclass(frozen=True)
class ListedSpec:
    """What selecting a registered tool needs, without its module: the toolset, default surface, and risk."""

    name: str
    toolset: str
    core: bool
    read: bool
    listings: dict[str, int]  # policy value -> index into ToolListCache.listings


@dataclass(frozen=True)
class ToolListCache:
    specs: tuple[ListedSpec, ...]
    # The tools listed after the selected ones (catalog, check_approval), per policy and read-only.
    extras: dict[str, dict[str, list[int]]]
    listings: tuple[Listing, ...]

    def selected(self, settings: ServerSettings) -> list[ListedSpec]:
        """The registered tools `settings` list, in registry order (as `Registry.selected`)."""
        toolsets, read_only = settings.toolsets, settings.read_only
        return [
            spec
            for spec in self.specs
            if (spec.toolset in toolsets or (spec.core and CORE in toolsets)) and (not read_only or spec.read)
        ]

    def published(self, settings: ServerSettings) -> list[Listing]:
        """Every tool `settings` list, in order, as the live build publishes it."""
        policy = settings.confirm.value
        chosen = [self.listings[spec.listings[policy]] for spec in self.selected(settings)]
        extras = self.extras[policy][mode(read_only=settings.read_only)]
        return chosen + [self.listings[index] for index in extras]


def mode(*, read_only: bool) -> str:
    return "read_only" if read_only else "writable"


@cache
def load() -> ToolListCache | None:
    """The checked-in list, or None when it is missing or was generated from other sources."""
    try:
        raw = json.loads(CACHE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if raw.get("fingerprint") != fingerprint():
        return None
    return ToolListCache(
        specs=tuple(ListedSpec(**spec) for spec in raw["specs"]),
        extras=raw["extras"],
        listings=tuple(raw["listings"]),
    )


def render(content: dict[str, Any]) -> str:
    """The file's text: one tool per line, so that a change to one tool is a one-line diff."""

    def line(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    parts = [f' "fingerprint": {line(content["fingerprint"])}', f' "extras": {line(content["extras"])}']
    for key in ("specs", "listings"):
        rows = ",\n".join(f"  {line(item)}" for item in content[key])
        parts.append(f' "{key}": [\n{rows}\n ]')
    return "{\n" + ",\n".join(parts) + "\n}\n"
