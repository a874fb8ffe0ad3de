"""Addresses that look real: Polish cities with their postcode ranges and streets, and a few EU business addresses."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    """A city, the first two postcode digits it uses, and streets found there."""

    name: str
    postcode_prefixes: tuple[str, ...]
    phone_area: str
    streets: tuple[str, ...]


@dataclass(frozen=True)
class Address:
    """One postal address, split the way Flowtly stores it."""

    street: str
    building: str
    locale: str | None
    postcode: str
    city: str
    country: str
    phone: str


_COMMON_STREETS = (
    "ul. Kościuszki",
    "ul. Mickiewicza",
    "ul. Słowackiego",
    "ul. Sienkiewicza",
    "ul. Polna",
    "ul. Lipowa",
    "ul. Ogrodowa",
    "ul. Kolejowa",
    "ul. Przemysłowa",
    "ul. Fabryczna",
    "ul. Żeromskiego",
    "ul. Konopnickiej",
    "ul. Jana Pawła II",
    "ul. 3 Maja",
)

POLISH_CITIES: tuple[City, ...] = (
    City(
        "Warszawa",
        ("00", "01", "02", "03", "04"),
        "22",
        (
            "ul. Marszałkowska",
            "Al. Jerozolimskie",
            "ul. Prosta",
            "ul. Grzybowska",
            "ul. Domaniewska",
            "ul. Puławska",
            "ul. Żelazna",
            "ul. Chmielna",
            "ul. Postępu",
            "ul. Wołoska",
        ),
    ),
    City("Kraków", ("30", "31"), "12", ("ul. Floriańska", "ul. Wielicka", "ul. Opolska", "ul. Zabłocie", "ul. Lea")),
    City("Wrocław", ("50", "51", "53", "54"), "71", ("ul. Legnicka", "ul. Strzegomska", "ul. Powstańców Śląskich")),
    City("Poznań", ("60", "61"), "61", ("ul. Święty Marcin", "ul. Głogowska", "ul. Garbary", "ul. Baraniaka")),
    City("Gdańsk", ("80",), "58", ("ul. Grunwaldzka", "ul. Długa", "ul. Chmielna", "ul. Łąkowa")),
    City("Gdynia", ("81",), "58", ("ul. Świętojańska", "ul. 10 Lutego", "ul. Hutnicza")),
    City("Łódź", ("90", "91", "92", "93", "94"), "42", ("ul. Piotrkowska", "ul. Kilińskiego", "ul. Ogrodowa")),
    City("Katowice", ("40",), "32", ("ul. Chorzowska", "ul. Mariacka", "ul. Francuska", "ul. Korfantego")),
    City("Lublin", ("20",), "81", ("ul. Krakowskie Przedmieście", "ul. Lubartowska", "ul. Zana")),
    City("Szczecin", ("70", "71"), "91", ("al. Wojska Polskiego", "ul. Jagiellońska", "ul. Rayskiego")),
    City("Bydgoszcz", ("85",), "52", ("ul. Gdańska", "ul. Fordońska", "ul. Grunwaldzka")),
    City("Białystok", ("15",), "85", ("ul. Lipowa", "ul. Sienkiewicza", "ul. Wrocławska")),
    City("Rzeszów", ("35",), "17", ("ul. Hetmańska", "al. Rejtana", "ul. Lwowska")),
    City("Toruń", ("87",), "56", ("ul. Szeroka", "ul. Szosa Chełmińska", "ul. Grudziądzka")),
    City("Olsztyn", ("10",), "89", ("ul. Pieniężnego", "al. Piłsudskiego", "ul. Warszawska")),
    City("Kielce", ("25",), "41", ("ul. Sienkiewicza", "ul. Warszawska", "ul. Zagnańska")),
    City("Opole", ("45",), "77", ("ul. Ozimska", "ul. Krakowska", "ul. Oleska")),
)

# Weights: most customers of a Warsaw software house sit in the big cities.
_CITY_WEIGHTS = (30, 10, 8, 8, 6, 3, 5, 6, 3, 3, 3, 2, 2, 2, 1, 1, 1)


@dataclass(frozen=True)
class ForeignPlace:
    """A business address abroad (postcode format differs per country)."""

    country: str
    city: str
    postcode: str
    street: str
    phone_prefix: str


FOREIGN_PLACES: dict[str, tuple[ForeignPlace, ...]] = {
    "DE": (
        ForeignPlace("DE", "Berlin", "10117", "Friedrichstraße", "+49 30"),
        ForeignPlace("DE", "Hamburg", "20095", "Mönckebergstraße", "+49 40"),
        ForeignPlace("DE", "München", "80331", "Sendlinger Straße", "+49 89"),
        ForeignPlace("DE", "Leipzig", "04109", "Petersstraße", "+49 341"),
    ),
    "CZ": (
        ForeignPlace("CZ", "Praha", "110 00", "Václavské náměstí", "+420 2"),
        ForeignPlace("CZ", "Brno", "602 00", "Masarykova", "+420 5"),
        ForeignPlace("CZ", "Ostrava", "702 00", "Nádražní", "+420 59"),
    ),
    "FR": (
        ForeignPlace("FR", "Paris", "75008", "Rue du Faubourg Saint-Honoré", "+33 1"),
        ForeignPlace("FR", "Lyon", "69002", "Rue de la République", "+33 4"),
        ForeignPlace("FR", "Lille", "59000", "Rue Nationale", "+33 3"),
    ),
}


def pick_city(rng: random.Random) -> City:
    """A Polish city, weighted towards the big ones."""
    return rng.choices(POLISH_CITIES, weights=_CITY_WEIGHTS)[0]


def polish_address(rng: random.Random, city: City) -> Address:
    """A street address in `city` with a plausible postcode and landline."""
    street = rng.choice(city.streets + _COMMON_STREETS[: 4 + rng.randint(0, 10)])
    building = str(rng.randint(1, 180)) + (rng.choice("ABC") if rng.random() < 0.1 else "")
    locale = str(rng.randint(1, 40)) if rng.random() < 0.45 else None
    postcode = f"{rng.choice(city.postcode_prefixes)}-{rng.randint(1, 999):03d}"
    phone = f"+48 {city.phone_area} {rng.randint(200, 899)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    return Address(street, building, locale, postcode, city.name, "PL", phone)


def foreign_address(rng: random.Random, country: str) -> Address:
    """A business address in an EU country the demo firm sells to."""
    place = rng.choice(FOREIGN_PLACES[country])
    phone = f"{place.phone_prefix} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    return Address(place.street, str(rng.randint(1, 120)), None, place.postcode, place.city, country, phone)


def mobile_phone(rng: random.Random) -> str:
    """A Polish mobile number in the usual 3-3-3 grouping."""
    return f"+48 {rng.choice('5678')}{rng.randint(0, 99):02d} {rng.randint(100, 999)} {rng.randint(100, 999)}"
