"""Runs one benchmark section in this process and prints its result as JSON on the last line of stdout.

`python -m bench.section NAME`; the runner starts one process per section, so that peak memory, imports and
warm caches of one section never colour another's figures.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback

from bench.model import SectionResult
from bench.suites import SUITES

RESULT_MARKER = "BENCH-RESULT "


def run_section(name: str) -> SectionResult:
    if name not in SUITES:
        raise SystemExit(f"unknown section {name!r}; choose from {', '.join(SUITES)}")
    started = time.perf_counter()
    try:
        module = importlib.import_module(f"bench.suites.{name}")
        result: SectionResult = module.run()
    except Exception:
        result = SectionResult(name=name, title=SUITES[name], error=traceback.format_exc(limit=8))
    result.seconds = time.perf_counter() - started
    return result


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        raise SystemExit("usage: python -m bench.section NAME")
    result = run_section(argv[0])
    print(RESULT_MARKER + json.dumps(result.to_json(), ensure_ascii=False), flush=True)
    return 0 if result.error is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
