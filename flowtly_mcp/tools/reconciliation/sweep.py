"""The records of many ids in a few filtered listings: cheap when the server applies the filter, still correct (and
the collection read once) when it ignores it.

A batch must never read once per payment. So its ids are asked for in chunks (`transaction[]=…&transaction[]=…`),
a page of up to 100 records each. A server that ignores the filter answers every chunk with its whole collection:
the first answer holding a record for an id nobody asked for shows this, and that answer, read to its end, is then
used for every id, so the collection is read once rather than once per chunk. Either way the records are sorted by
id here; nothing relies on the server having filtered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from flowtly_mcp.api.endpoints import Endpoint
from flowtly_mcp.tools.kernel.loading import Record, gather
from flowtly_mcp.tools.kernel.runtime import Invocation

# Ids per request: 50 IRIs keep a URL near 3 kB, well under what servers and proxies accept.
CHUNK = 50
# Asked for, not relied on: a server that keeps its own page size is read page by page all the same.
PAGE_SIZE = 100


@dataclass(frozen=True)
class Wanted:
    """Which records to ask for: `endpoint` filtered on `name`, sending `sent(id)` and reading `owner(record)`."""

    endpoint: Endpoint
    name: str
    sent: Callable[[str], str]
    owner: Callable[[Record], str | None]


async def sweep(inv: Invocation, wanted: Wanted, ids: Sequence[str]) -> dict[str, list[Record]]:
    """The records of each id (an empty list for an id with none), asked for in chunks and read at most once each."""
    unique = list(dict.fromkeys(ids))
    found: dict[str, list[Record]] = {key: [] for key in unique}
    if not unique:
        return found
    chunks = [unique[start : start + CHUNK] for start in range(0, len(unique), CHUNK)]
    first, ignored = await _read(inv, wanted, chunks[0])
    answers = [first]
    if not ignored:
        rest = await gather([partial(_read, inv, wanted, chunk) for chunk in chunks[1:]])
        answers += [records for records, _ in rest]
    seen: set[str] = set()
    for records in answers:
        for record in records:
            owner = wanted.owner(record)
            identity = str(record.get("@id") or record.get("id"))
            if owner in found and identity not in seen:
                seen.add(identity)
                found[owner].append(record)
    return found


async def _read(inv: Invocation, wanted: Wanted, chunk: list[str]) -> tuple[list[Record], bool]:
    params = {wanted.name: [wanted.sent(key) for key in chunk], "itemsPerPage": PAGE_SIZE}
    records = await inv.api.fetch_all(wanted.endpoint.path(), params)
    asked = set(chunk)
    return records, any(wanted.owner(record) not in asked for record in records)
