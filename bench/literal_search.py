"""The search_tools ranking before `flowtly_mcp.search`: words of the query found literally in a tool's name (x3)
and its title, description, toolset and operations. Kept only as the routing section's baseline."""

from __future__ import annotations

import re

from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Registry

_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    words = set(_WORD.findall(text.lower()))
    return words | {w[:-1] for w in words if w.endswith("s")} | {w[:-3] + "y" for w in words if w.endswith("ies")}


def literal_rank(registry: Registry, query: str) -> list[AnyToolSpec]:
    wanted = _words(query)
    scored: list[tuple[int, str, AnyToolSpec]] = []
    for spec in registry:
        name_words = _words(spec.name.replace("_", " "))
        text_words = _words(f"{spec.title} {spec.description} {spec.toolset} {' '.join(spec.operations)}")
        score = 3 * len(wanted & name_words) + len(wanted & text_words)
        if score:
            scored.append((-score, spec.name, spec))
    return [spec for _, _, spec in sorted(scored, key=lambda item: (item[0], item[1]))]
