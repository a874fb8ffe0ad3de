"""Finance vocabulary: English and Polish words mapped to the concepts tool names and descriptions use.

A word maps to one or more concepts (English words, as tools spell them); a query word scores by the best concept it
reaches, so a word with two readings ("kontrahent": a counterparty or a client) never counts twice. Words are
written as people type them; they are folded and stemmed when the table is built, so "zaległość", "zaleglosci" and
"ZALEGŁOŚĆ" are one entry. A word missing from the table still matches itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .text import stem, words

# concept: the words that mean it (English synonyms first, then Polish).
_CONCEPTS: dict[str, str] = {
    "invoice": "invoice invoices bill bills faktura faktury fakturę fakturach fakturami faktur fv fakturka",
    "debtor": """debtor debtors owe owes owed owing debt debts arrears deadbeat dłużnik dłużnicy dłużników dług długi
        zalega zalegają zalegać zalegający zaległość zaległości winien winni""",
    "most": "most top biggest largest highest najwięcej najwięksi największy największe najwyższe",
    "overdue": """overdue late unpaid outstanding delinquent przeterminowane przeterminowana przeterminowanych
        zaległe zaległa niezapłacone nieopłacone spóźnione""",
    "due": "due deadline termin terminie płatności",
    "receivable": "receivable receivables należności należność",
    "aging": "aging ageing age old older bucket buckets wiekowa wiekowanie wiekowe wiek",
    "statement": "statement balance balances ledger rozrachunki rozrachunków saldo salda sald zestawienie kartoteka",
    "reconcile": """reconcile reconciliation reconciling settle settlement uzgodnij uzgodnienie uzgadnianie rozlicz
        rozliczenie rozliczyć""",
    "match": """match matches matching matched pair pay pays settles dopasuj dopasowanie sparuj parowanie pasuje
        pasujące""",
    "unmatched": """unmatched unapplied unassigned unreconciled unexplained attention problems nierozliczone
        nierozliczonych nieprzypisane nieprzypisanych niedopasowane niewyjaśnione""",
    "payment": """payment payments pay pays paid transfer transfers remittance wpłata wpłaty wpłat płatność płatności
        zapłata przelew przelewy przelewów""",
    "transaction": "transaction transactions bank banking operacja operacje transakcja transakcje bankowe bankowy",
    "period": "period month monthly week quarter year miesiąc miesiąca kwartał rok tydzień okres",
    "ksef": "ksef einvoice einvoices e-faktura e-faktury efaktura",
    "correction": "correction corrections corrective kor korekta korekty korygująca korygującą korygujące",
    "duplicate": """duplicate duplicates duplicated twice double doubled dedupe deduplicate duplikat duplikaty
        zduplikowani zduplikowane zdublowani zdublowanych podwójni podwójne dwukrotnie""",
    "merge": "merge merging combine consolidate połącz połączyć scal scalić złącz",
    "counterparty": """counterparty counterparties supplier suppliers vendor vendors kontrahent kontrahenci
        kontrahentów kontrahentem dostawca dostawcy dostawców""",
    "client": """client clients customer customers buyer klient klienci klienta klientów klientem odbiorca nabywca
        kontrahent kontrahenci kontrahentem""",
    "delete": "delete remove erase drop usuń usunąć skasuj wykasuj",
    "create": """create add new issue make register assign allocate charge dodaj utwórz stwórz nowy nowa nowego
        wystaw załóż wystawić przypisz""",
    "update": "update change edit modify correct fix zmień edytuj popraw zaktualizuj aktualizuj",
    "list": "list show browse display lista pokaż wyświetl wylistuj",
    "get": "get details detail view read szczegóły",
    "search": "search find lookup look query znajdź szukaj wyszukaj",
    "send": "send submit transmit wyślij wysłać prześlij wysyłka",
    "email": "email mail emailed mailed mailem e-mail e-mailem emailem",
    "download": "download save pobierz zapisz ściągnij",
    "export": "export eksport eksportuj wyeksportuj",
    "import": "import imported importuj zaimportuj wczytaj",
    "upload": "upload wgraj prześlij załaduj",
    "attachment": """attachment attachments document documents receipt receipts scan file files dokument dokumenty
        paragon paragony załącznik załączniki skan""",
    "detach": "detach unlink odłącz odepnij",
    "attach": "attach assign dołącz przypnij przypisz",
    "budget": "budget budgets budżet budżety budżetu",
    "employee": "employee employees staff pracownik pracownika pracownicy pracowników",
    "allocation": "allocation allocate allocations charge charged przypisz przydział",
    "row": "row rows line lines item items position pozycja pozycje pozycji",
    "draft": "draft drafts szkic szkice robocze",
    "number": "number numbering numer numeracja",
    "next": "next następny kolejny",
    "status": """status state accepted rejected rejection emailed mailed sent delivered odrzucona odrzucenie przyjęta
        stan wysłana wysłano dostarczona""",
    "inbound": "inbound purchase purchases received incoming zakupowe zakupu zakup otrzymane przychodzące kosztowe",
    "sync": "sync synchronise synchronize pull synchronizuj",
    "session": "session sesja sesję",
    "contact": "contact contacts person osoba kontaktowa kontakt",
    "note": "note notes comment notatka notatki notatkę komentarz",
    "bulk": "bulk many several batch once masowo hurtowo kilka wiele",
    "subscription": "subscription subscriptions abonament subskrypcja",
    "card": "card sepa karta kartę",
    "method": "method methods metoda metody",
    "nip": "nip tin taxid",
    "zip": "zip archive archiwum",
    "suggest": "suggest suggestion suggestions propose podpowiedz sugestia sugestie",
    "upo": "upo confirmation potwierdzenie",
    "xml": "xml",
    "bankstatement": "wyciąg wyciągi wyciągu mt940",
}

# Longest shared beginnings that still identify a concept (for inflections the stemmer misses).
_PREFIXES: dict[str, str] = {
    "zaleg": "debtor",
    "dluzn": "debtor",
    "najwiek": "most",
    "przeterminow": "overdue",
    "kontrahen": "counterparty",
    "zduplikow": "duplicate",
    "zdublow": "duplicate",
    "rozrachun": "statement",
    "nierozlicz": "unmatched",
    "nieprzypis": "unmatched",
    "uzgod": "reconcile",
    "dopasow": "match",
    "rozlicz": "reconcile",
    "wyciag": "bankstatement",
}
_MIN_PREFIX = 5


def _build() -> Mapping[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for concept, spelled in _CONCEPTS.items():
        for word in words(spelled):
            concepts = table.setdefault(stem(word), [])
            if concept not in concepts:
                concepts.append(concept)
    return MappingProxyType({key: tuple(value) for key, value in table.items()})


CONCEPTS_OF: Mapping[str, tuple[str, ...]] = _build()
_PREFIX_CONCEPTS = tuple(sorted(((stem(p), c) for p, c in _PREFIXES.items()), key=lambda item: -len(item[0])))


def concepts(word: str) -> tuple[str, ...]:
    """The concepts a folded word stands for; a word the table does not know stands for itself (stemmed)."""
    stemmed = stem(word)
    known = CONCEPTS_OF.get(stemmed)
    if known is not None:
        return known
    for prefix, concept in _PREFIX_CONCEPTS:
        if len(prefix) >= _MIN_PREFIX and stemmed.startswith(prefix):
            return (concept,)
    return (stemmed,)
