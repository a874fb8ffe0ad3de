"""The README's tool table, generated from the registry (a test fails when the README is stale).

python -m flowtly_mcp.tools.docs --write README.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from flowtly_mcp.tools.all import registry
from flowtly_mcp.toolsets import TOOLSETS

README_START = "<!-- tools:start -->"
README_END = "<!-- tools:end -->"


def render_tool_table() -> str:
    specs = list(registry())
    lines = [
        f"{len(specs)} tools plus `search_tools` and `execute_tool`, covering all documented endpoints. "
        "Default surface: the tools marked ★ (toolset `core`).",
        "",
    ]
    for toolset in TOOLSETS:
        members = [s for s in specs if s.toolset == toolset.name]
        if not members:
            continue
        lines += [f"**{toolset.name}** — {toolset.description}", "", "| tool | risk | what it does |", "|---|---|---|"]
        lines += [f"| `{s.name}`{' ★' if s.core else ''} | {s.risk.value} | {s.description} |" for s in members]
        lines.append("")
    return "\n".join(lines)


def write_readme(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index(README_START) + len(README_START), text.index(README_END)
    path.write_text(text[:start] + "\n" + render_tool_table() + "\n" + text[end:], encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        write_readme(Path(sys.argv[2]))
    else:
        sys.stdout.write(render_tool_table() + "\n")
