"""The benchmark runner: `python -m bench` (or `python bench/run.py`) runs every section and writes the report.

Each section runs in its own process (`bench.section`), one after another, so that none competes with another
for the CPU and peak-memory figures belong to one workload. `--only tokens,economy` runs some sections and prints
them without touching the committed report (add `--write` to write it anyway).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script (`python bench/run.py`): make the repository importable, as `python -m bench` does.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import machine, report
from bench.merge import merge
from bench.model import SectionResult
from bench.processes import REPO, isolated_env
from bench.section import RESULT_MARKER
from bench.suites import SUITES

BENCH_DIR = Path(__file__).resolve().parent
SECTION_TIMEOUT = 240.0


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run_child(name: str, home: Path) -> SectionResult:
    """Run one section in a fresh interpreter and read its result from the marked line of its output."""
    started = time.perf_counter()
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "bench.section", name],
            cwd=REPO,
            env=isolated_env(home),
            capture_output=True,
            text=True,
            timeout=SECTION_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return SectionResult(name, SUITES[name], error=f"did not finish within {SECTION_TIMEOUT:.0f} s")
    for line in reversed(finished.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return SectionResult.from_json(json.loads(line[len(RESULT_MARKER) :]))
    elapsed = time.perf_counter() - started
    tail = (finished.stderr or finished.stdout)[-3000:]
    return SectionResult(
        name, SUITES[name], seconds=elapsed, error=f"exited with {finished.returncode} and no result:\n{tail}"
    )


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", help=f"comma list of sections ({', '.join(SUITES)})")
    parser.add_argument("--write", action="store_true", help="write the report even for a partial run")
    parser.add_argument(
        "--merge", action="store_true", help="put the sections run into the committed report, keeping the others"
    )
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="directory for RESULTS.md and results.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    names = list(SUITES)
    if args.only:
        names = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in names if name not in SUITES]
        if unknown:
            _log(f"unknown sections {unknown}; choose from {', '.join(SUITES)}")
            return 2
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    load_before = machine.load_average()
    started = time.perf_counter()
    sections: list[SectionResult] = []
    with tempfile.TemporaryDirectory(prefix="flowtly-bench-home-") as home:
        for name in names:
            _log(f"{name}: running")
            section = run_child(name, Path(home))
            sections.append(section)
            verdicts = ", ".join(
                f"{f.key}={f.shown()}{'' if f.met is None else (' ok' if f.met else ' MISSED')}"
                for f in section.figures
            )
            _log(f"{name}: {'ERROR' if section.error else 'done'} in {section.seconds:.1f} s; {verdicts}")
            if section.error:
                _log(section.error)
    seconds = time.perf_counter() - started
    host = machine.describe() | {"load_average_before": load_before, "load_average_after": machine.load_average()}
    met, measured = report.summary(sections)
    _log(f"{met} of {measured} targets met in {seconds:.0f} s")
    if args.only and args.merge:
        paths = merge(args.out, sections, host, started_at, seconds)
        _log("merged into " + " and ".join(str(p) for p in paths))
        return 0 if all(s.error is None for s in sections) else 1
    if args.only and not args.write:
        print(report.markdown(sections, host, started_at, seconds))
        return 0 if all(s.error is None for s in sections) else 1
    args.out.mkdir(parents=True, exist_ok=True)
    paths = report.write(args.out, sections, host, started_at, seconds)
    _log("wrote " + " and ".join(str(p) for p in paths))
    return 0 if all(s.error is None for s in sections) else 1


if __name__ == "__main__":
    sys.exit(main())
