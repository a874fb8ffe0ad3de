"""Re-running some sections into the committed report: `python -m bench --only a,b --merge`.

The sections run now replace theirs in `results.json` and `RESULTS.md`; every other section is kept as it was and
says which run it comes from, so that no figure pretends to come from a run it was not part of. The machine line is
the new run's (load before and after it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import report
from bench.model import SectionResult

ORIGIN = "Not re-run:"


def merge(
    directory: Path, fresh: list[SectionResult], machine: dict[str, Any], started: str, seconds: float
) -> tuple[Path, Path]:
    json_path = directory / "results.json"
    previous = json.loads(json_path.read_text(encoding="utf-8")) if json_path.is_file() else {"sections": []}
    by_name = {section.name: section for section in fresh}
    merged: list[SectionResult] = []
    for raw in previous.get("sections", []):
        if raw["name"] in by_name:
            merged.append(by_name.pop(raw["name"]))
            continue
        kept = SectionResult.from_json(raw)
        if not any(note.startswith(ORIGIN) for note in kept.notes):  # kept twice: it still comes from that run
            kept.notes.append(f"{ORIGIN} from the run of {previous.get('started', 'an earlier date')}.")
        merged.append(kept)
    merged.extend(by_name.values())
    runs = ", ".join(section.name for section in fresh)
    first_run = str(previous.get("started", "")).split(" (", 1)[0] or "an earlier run"
    return report.write(
        directory, merged, machine, f"{started} (sections {runs}; the others from {first_run})", seconds
    )
