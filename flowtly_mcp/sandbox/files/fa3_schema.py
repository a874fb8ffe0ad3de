"""Validation of FA(3) documents against KSeF's own schema (the official XSD files in `sandbox/data/fa3`).

xmlschema (pure Python) rather than lxml: no compiled extension to install for the sandbox, and its error
messages name the element path, which is what KSeF's verification failures show. The schema compiles once per
process (about a third of a second); a document validates in a few milliseconds.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import xmlschema

_MAIN = "schemat_FA(3)_v1-0E.xsd"
_MAX_PROBLEMS = 5


def _schema_folder() -> Path:
    return Path(str(resources.files("flowtly_mcp.sandbox").joinpath("data/fa3")))


@lru_cache(maxsize=1)
def fa3_schema() -> xmlschema.XMLSchema:
    folder = _schema_folder()

    def local_copy(url: str) -> str:
        """Every schemaLocation (http://crd.gov.pl/...) to the vendored file of the same name."""
        candidate = folder / url.rsplit("/", 1)[-1]
        return str(candidate) if candidate.is_file() else url

    return xmlschema.XMLSchema(str(folder / _MAIN), uri_mapper=local_copy, allow="local")


def schema_problems(document: bytes) -> list[str]:
    """What the FA(3) schema rejects in a document (at most five problems, each with its element path)."""
    problems: list[str] = []
    for error in fa3_schema().iter_errors(document.decode("utf-8")):
        problems.append(f"{error.path or '/'}: {error.reason or error.message}")
        if len(problems) >= _MAX_PROBLEMS:
            break
    return problems
