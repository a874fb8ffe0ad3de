"""Serves a seeded sandbox of a chosen size on loopback, for sections that need the API in its own process.

`python -m bench.sandbox_server --size 47.4 --port 8765`. The sandbox then competes with the MCP server neither for
the interpreter nor for memory, as the real API would not.
"""

from __future__ import annotations

import argparse

import uvicorn

from bench import fixtures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=float, default=1.0)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    box = fixtures.sandbox(args.size)
    uvicorn.run(box.app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
