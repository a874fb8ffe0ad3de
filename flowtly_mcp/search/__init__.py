"""Finding the right tool for a request in plain words (English or Polish): pure ranking, no MCP and no I/O.

`ToolIndex(entries).search(query, limit)` ranks `Entry` records (name, title, description, toolset, extra keywords)
and says why each hit matched; `compact_result` renders hits for a model in few tokens.
"""

from .keywords import TOOL_KEYWORDS
from .ranker import Entry, Hit, ToolIndex, rank
from .results import compact_json, compact_result, result_payload

__all__ = ["TOOL_KEYWORDS", "Entry", "Hit", "ToolIndex", "compact_json", "compact_result", "rank", "result_payload"]
