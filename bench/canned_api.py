"""An API that answers from canned pages after a fixed delay and spends no CPU on the answer.

`python -m bench.canned_api --invoices 20000 --port PORT [--latency 0.02]`. At start it seeds a sandbox, reads every
page of /invoices (30 and 100 per page) and /clients through it once, and keeps the bytes; then it serves them from
a bare asyncio server: parse the request line, wait `latency`, write the stored bytes. So a client measured against
it waits as it would on a real network while the server takes next to no CPU from the shared machine, and a
speed-up from concurrency measures how well the client hides latency, not how fast the emulator builds pages.
It prints "ready" once it listens.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from urllib.parse import parse_qsl, urlsplit

import anyio
import httpx2

from bench import fixtures

PAGE_SIZES = (30, 100)
COLLECTIONS = ("/invoices", "/clients")
Key = tuple[str, int, int]


async def _read_pages(invoices: int) -> dict[Key, bytes]:
    box = fixtures.sandbox(fixtures.size_for_invoices(invoices))
    pages: dict[Key, bytes] = {}
    headers = {"Authorization": f"Bearer {fixtures.TOKEN}", "Accept": "application/ld+json"}
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=box.app), base_url="http://canned") as http:
        for collection in COLLECTIONS:
            for size in PAGE_SIZES:
                page = 1
                while True:
                    response = await http.get(collection, params={"page": page, "itemsPerPage": size}, headers=headers)
                    response.raise_for_status()
                    pages[(collection, size, page)] = response.content
                    if "hydra:next" not in response.json().get("hydra:view", {}):
                        break
                    page += 1
    return pages


def _key(target: str) -> Key:
    split = urlsplit(target)
    query = dict(parse_qsl(split.query))
    path = split.path.removeprefix("/api")
    return path, int(query.get("itemsPerPage", "30")), int(query.get("page", "1"))


def _response(status: str, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/ld+json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


async def _serve(pages: dict[Key, bytes], port: int, latency: float) -> None:
    missing = _response("404 Not Found", b'{"hydra:description":"not canned"}')

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                target = head.split(b" ", 2)[1].decode()
                await asyncio.sleep(latency)
                body = pages.get(_key(target))
                writer.write(missing if body is None else _response("200 OK", body))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", port, backlog=256)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.020)
    args = parser.parse_args()
    pages = anyio.run(_read_pages, args.invoices)
    print(f"{len(pages)} pages canned", file=sys.stderr, flush=True)
    asyncio.run(_serve(pages, args.port, args.latency))


if __name__ == "__main__":
    main()
