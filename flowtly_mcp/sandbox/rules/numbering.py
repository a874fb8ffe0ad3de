"""Invoice numbers: `FV/YYYY/MM/NNNN` (and `KOR/...` for corrections), counting per month."""

from __future__ import annotations

import re
from datetime import date

from flowtly_mcp.sandbox.world import World


def next_invoice_name(world: World, day: date, series: str = "FV") -> str:
    """The number the next invoice of `series` issued in `day`'s month gets."""
    pattern = re.compile(rf"^{re.escape(series)}/{day.year:04d}/{day.month:02d}/([0-9]+)$")
    highest = 0
    for record in world.store.all("invoices"):
        match = pattern.match(str(record.get("name") or ""))
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{series}/{day.year:04d}/{day.month:02d}/{highest + 1:04d}"
