"""The HTTP load generator, run in its own process so its CPU is not the server's.

`python -m bench.load_client URL --clients 50 --calls 40 [--tool get_invoice] [--ids 40] [--limit 150]`: one client
alone makes the calls first (the unloaded latency), then the given number of `mcp.Client(url)` sessions make theirs
concurrently. Prints one JSON line: latencies (seconds) alone and under load, errors, wall time of the loaded part,
and this process's CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import anyio
from mcp import Client


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []


async def _client(url: str, tool: str, calls: int, ids: int, offset: int, tally: Tally) -> None:
    try:
        async with Client(url) as client:
            for call in range(calls):
                invoice = (offset + call) % ids + 1
                started = time.perf_counter()
                try:
                    result = await client.call_tool(tool, {"id": str(invoice)})
                except Exception as problem:  # a failed call is a measurement, not a crash of the generator
                    tally.errors.append(f"{type(problem).__name__}: {problem}")
                    continue
                tally.latencies.append(time.perf_counter() - started)
                if result.is_error:
                    tally.errors.append(f"isError: {str(result.content[:1])[:200]}")
    except Exception as problem:
        tally.errors.append(f"connection: {type(problem).__name__}: {problem}")


async def _load(args: argparse.Namespace) -> dict[str, object]:
    alone, loaded = Tally(), Tally()
    with anyio.fail_after(args.limit):
        await _client(args.url, args.tool, args.calls, args.ids, 0, alone)
        started = time.perf_counter()
        async with anyio.create_task_group() as group:
            for number in range(args.clients):
                group.start_soon(_client, args.url, args.tool, args.calls, args.ids, number, loaded)
        wall = time.perf_counter() - started
    return {"alone": alone.latencies, "loaded": loaded.latencies, "errors": loaded.errors + alone.errors, "wall": wall}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--tool", default="get_invoice")
    parser.add_argument("--ids", type=int, default=40)
    parser.add_argument("--limit", type=float, default=150.0)
    args = parser.parse_args(argv)
    outcome = anyio.run(_load, args)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    outcome["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    print(json.dumps(outcome))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
