"""What every request handler works with: the store, the settings and the sandbox's clock."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from flowtly_mcp.sandbox.config import SandboxConfig
from flowtly_mcp.sandbox.store import Record, Store

if TYPE_CHECKING:
    from flowtly_mcp.sandbox.behaviour import Behaviour

DEFAULT_ORGANIZATION: Record = {
    "id": "org_1",
    "name": "Flowtly Demo Sp. z o.o.",
    "tin": "5273180297",
    "vatNumber": "PL5273180297",
    "bankAccount": "PL61109010140000071219812874",
    "addressStreetLine": "ul. Prosta",
    "addressBuildingNumber": "20",
    "addressPostCode": "00-850",
    "addressCity": "Warszawa",
    "addressCountry": "PL",
}


class World:
    """The sandbox's state as handlers see it. `today` is fixed by the config or follows the wall clock."""

    def __init__(self, config: SandboxConfig, store: Store, behaviours: Mapping[str, Behaviour]) -> None:
        self.config = config
        self.store = store
        self.behaviours = behaviours
        self._views: dict[str, tuple[tuple[int, date], list[Record]]] = {}
        self._view_index: dict[str, tuple[tuple[int, date], dict[str, Record]]] = {}
        self._documents: dict[tuple[str, str, bool], dict[str, Any]] = {}
        self._documents_stamp: tuple[int, date] | None = None
        self._indexes: dict[tuple[str, str], tuple[int, dict[str, list[Record]]]] = {}

    @property
    def today(self) -> date:
        return self.config.today or datetime.now(UTC).date()

    def now(self) -> datetime:
        """The current moment on the sandbox's calendar: today's date with the wall clock's time of day."""
        clock = datetime.now(UTC)
        return datetime.combine(self.today, time(clock.hour, clock.minute, clock.second), tzinfo=UTC)

    def timestamp(self) -> str:
        return self.now().isoformat()

    def organization(self) -> Record:
        """The seller: the dataset's organization record, or a built-in one when the dataset has none."""
        records = self.store.all("organizations")
        return records[0] if records else DEFAULT_ORGANIZATION

    def find(self, family: str, record_id: object) -> Record | None:
        return self.store.get(family, record_id)

    def related(self, family: str, field: str, iri: str) -> list[Record]:
        """Records of `family` whose `field` points at `iri` (through an index rebuilt after each write)."""
        return self._index(family, field).get(iri, [])

    def _index(self, family: str, field: str) -> dict[str, list[Record]]:
        key = (family, field)
        cached = self._indexes.get(key)
        if cached is not None and cached[0] == self.store.version:
            return cached[1]
        index: dict[str, list[Record]] = {}
        for record in self.store.all(family):
            value = record.get(field)
            if isinstance(value, str):
                index.setdefault(value, []).append(record)
        self._indexes[key] = (self.store.version, index)
        return index

    def views(self, family: str) -> list[Record]:
        """Every record of a family as clients see it, derived fields included (cached until the next write)."""
        stamp = (self.store.version, self.today)
        cached = self._views.get(family)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        behaviour = self.behaviours[family]
        views = [behaviour.view(self, record) for record in self.store.all(family)]
        self._views[family] = (stamp, views)
        return views

    def document(
        self, family: str, record_id: object, embedded: bool, build: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        """A rendered item, built once per state of the store (rendering dominates the cost of a page).
        Callers never modify the returned document."""
        stamp = (self.store.version, self.today)
        if self._documents_stamp != stamp:
            self._documents.clear()
            self._documents_stamp = stamp
        key = (family, str(record_id), embedded)
        found = self._documents.get(key)
        if found is None:
            found = build()
            self._documents[key] = found
        return found

    def view(self, family: str, record: Record) -> Record:
        """One record as clients see it: from the family's cached views when they are current."""
        stamp = (self.store.version, self.today)
        cached = self._view_index.get(family)
        if cached is None or cached[0] != stamp:
            cached = (stamp, {str(view["id"]): view for view in self.views(family)})
            self._view_index[family] = cached
        found = cached[1].get(str(record["id"]))
        return (
            found
            if found is not None and found.get("id") == record["id"]
            else self.behaviours[family].view(self, record)
        )
