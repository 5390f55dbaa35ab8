"""Countries, states / provinces and postal codes.

Countries become ISO 3166 alpha-2 codes from whatever a roster holds
(``"USA"``, ``"U.S."``, ``"États-Unis"``, ``"Deutschland"``, ``"UK"``,
``"Holland"``...). US states, Canadian provinces and Australian states become
their postal codes; other regions are tidied text. Lookups run once per
unique value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pycountry

from gtmplanner.core.normalize_text import (
    STR_DTYPE,
    as_str_series,
    clean_text,
    map_unique,
    str_series,
    to_arrow,
)

__all__ = [
    "country_key",
    "country_name",
    "normalize_country",
    "normalize_postal",
    "normalize_region",
]

# Names people write that pycountry does not list (keys are matched after country_key()).
_COUNTRY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "US": (
        "USA",
        "U.S.",
        "U.S.A.",
        "US of A",
        "America",
        "United States of America",
        "États-Unis",
        "Etats-Unis d'Amérique",
        "Estados Unidos",
        "Estados Unidos de América",
        "EE.UU.",
        "EEUU",
        "EUA",
        "Vereinigte Staaten",
        "Stati Uniti",
        "Verenigde Staten",
        "United States (USA)",
        "The States",
    ),
    "GB": (
        "UK",
        "U.K.",
        "Great Britain",
        "Britain",
        "England",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "United Kingdom of Great Britain and Northern Ireland",
        "Royaume-Uni",
        "Reino Unido",
        "Vereinigtes Königreich",
        "Regno Unito",
        "Verenigd Koninkrijk",
        "Großbritannien",
        "Grossbritannien",
        "Grande-Bretagne",
        "Gran Bretaña",
        "England, UK",
        "GBR",
        "UK (England)",
    ),
    "NL": (
        "Holland",
        "The Netherlands",
        "Nederland",
        "Niederlande",
        "Pays-Bas",
        "Países Bajos",
        "Paesi Bassi",
    ),
    "DE": (
        "Deutschland",
        "Allemagne",
        "Alemania",
        "Germania",
        "Duitsland",
        "BRD",
        "Federal Republic of Germany",
    ),
    "FR": ("Frankreich", "Francia", "Frankrijk", "République française"),
    "ES": ("España", "Spanien", "Espagne", "Spagna", "Spanje"),
    "IT": ("Italia", "Italien", "Italie", "Italië"),
    "CH": ("Schweiz", "Suisse", "Svizzera", "Svizra", "Confoederatio Helvetica", "Zwitserland"),
    "AT": ("Österreich", "Oesterreich", "Autriche", "Austria"),
    "BE": ("Belgique", "België", "Belgien", "Belgio", "Bélgica"),
    "SE": ("Sverige", "Schweden", "Suède", "Suecia"),
    "NO": ("Norge", "Noreg", "Norwegen", "Norvège", "Noruega"),
    "DK": ("Danmark", "Dänemark", "Danemark", "Dinamarca"),
    "FI": ("Suomi", "Finnland", "Finlande", "Finlandia"),
    "PL": ("Polska", "Polen", "Pologne", "Polonia"),
    "CZ": ("Czech Republic", "Česko", "Česká republika", "Tschechien", "République tchèque"),
    "HU": ("Magyarország", "Ungarn", "Hongrie", "Hungría"),
    "IE": ("Éire", "Eire", "Irland", "Irlande", "Irlanda", "Republic of Ireland"),
    "PT": ("Portugal",),
    "GR": ("Hellas", "Ελλάδα", "Griechenland", "Grèce", "Grecia"),
    "LU": ("Luxemburg",),
    "BR": ("Brasil", "Brésil", "Brasilien"),
    "MX": ("México", "Mexique", "Mexiko"),
    "CA": ("Canadá", "Kanada"),
    "JP": ("Nippon", "Nihon", "Japon", "Japón", "Giappone", "日本"),
    "CN": (
        "PRC",
        "P.R.C.",
        "People's Republic of China",
        "China (PRC)",
        "Chine",
        "Volksrepublik China",
        "中国",
        "Mainland China",
    ),
    "IN": ("Bharat", "Indien", "Inde"),
    "AU": ("Australien", "Australie"),
    "NZ": ("Neuseeland", "Nouvelle-Zélande", "Aotearoa"),
    "RU": ("Russia", "Russland", "Russie", "Rusia", "Россия"),
    "ZA": ("Südafrika", "Afrique du Sud", "Sudáfrica", "RSA"),
    "SG": ("Singapur", "Singapour"),
    "TR": ("Turkey", "Turkiye", "Türkei", "Turquie", "Turquía"),
    "KR": (
        "Korea",
        "Korea (South)",
        "Republic of Korea",
        "S. Korea",
        "Südkorea",
        "Corée du Sud",
        "대한민국",
    ),
    "KP": ("Korea (North)", "N. Korea", "DPRK"),
    "VN": ("Viet Nam",),
    "TW": ("Taiwan (ROC)", "Republic of China", "ROC"),
    "HK": ("Hong Kong SAR", "Hong Kong SAR China", "HKSAR"),
    "MO": ("Macau", "Macau SAR"),
    "AE": ("UAE", "U.A.E.", "Emirates", "Vereinigte Arabische Emirate", "Émirats arabes unis"),
    "SA": ("KSA", "Saudi", "Kingdom of Saudi Arabia", "Saudi-Arabien", "Arabie saoudite"),
    "IL": ("Israël",),
    "EG": ("Ägypten", "Égypte", "Egipto"),
    "AR": ("Argentinien", "Argentine"),
    "CO": ("Kolumbien", "Colombie"),
    "CL": ("Chili",),
    "PE": ("Perú", "Pérou"),
    "CI": ("Ivory Coast", "Cote d'Ivoire"),
    "MK": ("Macedonia", "Republic of Macedonia", "FYROM"),
    "SZ": ("Swaziland",),
    "MM": ("Burma",),
    "CV": ("Cape Verde",),
    "CD": (
        "DR Congo",
        "DRC",
        "Democratic Republic of the Congo",
        "Congo (DRC)",
        "Congo-Kinshasa",
        "Congo, Democratic Republic of the",
    ),
    "CG": ("Republic of the Congo", "Congo-Brazzaville", "Congo (Republic)"),
    "PS": ("Palestine", "Palestinian Territories"),
    "VA": ("Vatican", "Vatican City", "Holy See"),
    "BN": ("Brunei",),
    "FM": ("Micronesia",),
    "XK": ("Kosovo", "XK", "XKX"),
    "VI": ("US Virgin Islands", "U.S. Virgin Islands"),
    "VG": ("British Virgin Islands", "BVI"),
    "BA": ("Bosnia", "Bosnia-Herzegovina"),
    "TT": ("Trinidad", "Trinidad & Tobago"),
}

# Display names where pycountry's formal name reads badly in a sheet.
_DISPLAY_NAMES: dict[str, str] = {
    "CD": "DR Congo",
    "PS": "Palestine",
    "VA": "Vatican City",
    "BN": "Brunei",
    "FM": "Micronesia",
    "RU": "Russia",
    "VG": "British Virgin Islands",
    "VI": "US Virgin Islands",
    "FK": "Falkland Islands",
    "CC": "Cocos (Keeling) Islands",
    "XK": "Kosovo",
}


def country_key(text: str) -> str:
    """Comparison key for place names: no accents, case, dots or punctuation."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = t.casefold().replace("&", " and ").replace(".", "")
    t = "".join(c if c.isalnum() else " " for c in t)
    t = " ".join(t.split())
    if t.startswith("the "):
        t = t[4:]
    return t


@lru_cache(maxsize=1)
def _country_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for c in pycountry.countries:
        for name in (
            c.alpha_2,
            c.alpha_3,
            c.name,
            getattr(c, "official_name", None),
            getattr(c, "common_name", None),
        ):
            if name:
                table.setdefault(country_key(name), c.alpha_2)
    for code, names in _COUNTRY_SYNONYMS.items():
        for name in names:
            table[country_key(name)] = code
    return table


def _lookup_country(key: str) -> str | None:
    table = _country_lookup()
    hit = table.get(key)
    if hit is None and "(" not in key:
        # "Germany - DE", "United States / US": try the leading part.
        for sep in (" - ", "/", ","):
            if sep in key:
                hit = table.get(country_key(key.split(sep)[0]))
                if hit:
                    break
    return hit


def normalize_country(s: pd.Series) -> pd.Series:
    """Country names / codes in any common spelling -> ISO 3166 alpha-2 (unknown -> NA)."""
    s = clean_text(s)

    def decide(u: pd.Series) -> list[str | None]:
        return [_lookup_country(country_key(v)) for v in u]

    return map_unique(s, decide)


@lru_cache(maxsize=1)
def _names_by_code() -> dict[str, str]:
    names = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names.update(_DISPLAY_NAMES)
    return names


def country_name(code_series: pd.Series) -> pd.Series:
    """ISO alpha-2 codes -> display names (``'US'`` -> ``'United States'``); unknown -> NA."""
    s = clean_text(code_series)
    names = _names_by_code()
    return map_unique(s, lambda u: [names.get(v.upper()) for v in u])


# ---------------------------------------------------------------- regions

_REGION_EXTRA: dict[str, dict[str, tuple[str, ...]]] = {
    "US": {
        "AL": ("Ala",),
        "AZ": ("Ariz",),
        "AR": ("Ark",),
        "CA": ("Calif", "Cal", "Cali"),
        "CO": ("Colo",),
        "CT": ("Conn",),
        "DE": ("Del",),
        "FL": ("Fla",),
        "GA": ("Ga",),
        "IL": ("Ill",),
        "IN": ("Ind",),
        "KS": ("Kan", "Kans"),
        "KY": ("Ky",),
        "LA": ("La",),
        "MD": ("Md",),
        "MA": ("Mass",),
        "MI": ("Mich",),
        "MN": ("Minn",),
        "MS": ("Miss",),
        "MO": ("Mo",),
        "MT": ("Mont",),
        "NE": ("Neb", "Nebr"),
        "NV": ("Nev",),
        "NH": ("N.H.",),
        "NJ": ("N.J.",),
        "NM": ("N.M.", "N.Mex"),
        "NY": ("N.Y.", "New York State"),
        "NC": ("N.C.",),
        "ND": ("N.D.", "N.Dak"),
        "OK": ("Okla",),
        "OR": ("Ore", "Oreg"),
        "PA": ("Pa", "Penn", "Penna"),
        "RI": ("R.I.",),
        "SC": ("S.C.",),
        "SD": ("S.D.", "S.Dak"),
        "TN": ("Tenn",),
        "TX": ("Tex",),
        "VT": ("Vt",),
        "VA": ("Va",),
        "WA": ("Wash", "Washington State"),
        "WV": ("W.Va", "W.V."),
        "WI": ("Wis", "Wisc"),
        "WY": ("Wyo",),
        "DC": ("D.C.", "Washington DC", "Washington D.C.", "Washington, D.C."),
        "AK": ("Alas",),
        "HI": ("Hawai'i",),
        "PR": ("Puerto Rico",),
    },
    "CA": {
        "QC": ("Que", "Québec", "PQ", "P.Q."),
        "ON": ("Ont",),
        "BC": ("B.C.",),
        "AB": ("Alta",),
        "SK": ("Sask",),
        "MB": ("Man",),
        "NS": ("N.S.",),
        "NB": ("N.B.",),
        "NL": ("Nfld", "Newfoundland", "Labrador", "NF"),
        "PE": ("P.E.I.", "PEI"),
        "YT": ("Yukon Territory", "Y.T."),
        "NT": ("N.W.T.", "NWT"),
        "NU": ("Nvt",),
    },
    "AU": {
        "NSW": ("N.S.W.",),
        "VIC": ("Vic",),
        "QLD": ("Qld",),
        "TAS": ("Tas",),
        "WA": ("W.A.",),
        "SA": ("S.A.",),
        "NT": ("N.T.",),
        "ACT": ("A.C.T.",),
    },
}


@cache
def _region_lookup(country: str) -> dict[str, str]:
    table: dict[str, str] = {}
    if country == "*":
        for c in ("AU", "CA", "US"):  # US last: it wins on shared keys
            table.update(_region_lookup(c))
        return table
    for sub in pycountry.subdivisions.get(country_code=country) or ():
        code = sub.code.split("-", 1)[1]
        table[country_key(code)] = code
        table[country_key(sub.name)] = code
    for code, names in _REGION_EXTRA.get(country, {}).items():
        table[country_key(code)] = code
        for name in names:
            table[country_key(name)] = code
    return table


def _tidy_place(text: str) -> str:
    """All-lower-case place text -> Title Case; anything else unchanged."""
    if text.islower():
        return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    return text


def _as_country_codes(country: pd.Series | str | None, index: pd.Index) -> pd.Series:
    if country is None:
        return pd.Series(pd.array([None] * len(index), dtype=STR_DTYPE), index=index)
    if isinstance(country, str):
        code = normalize_country(pd.Series([country])).iloc[0]
        return pd.Series(pd.array([code] * len(index), dtype=STR_DTYPE), index=index)
    c = as_str_series(country)
    if not c.index.equals(index):
        c = c.reindex(index)
    # Every value looks like an ISO code iff every distinct one does.
    distinct = pc.unique(to_arrow(c)).drop_null()
    looks_iso = pc.match_substring_regex(distinct, r"^[A-Z]{2}$")
    if pc.all(looks_iso).as_py() is not False:
        return c
    return normalize_country(c)


def _groups(codes: pd.Series, names: tuple[str, ...]) -> np.ndarray:
    """Per row: 1 + the position of its code in ``names``, 0 for another code, -1 for NA."""
    enc = pc.dictionary_encode(to_arrow(codes))
    where = pc.index_in(enc.dictionary, value_set=pa.array(names, pa.large_string()))
    table = np.append(np.asarray(pc.fill_null(where, -1).to_numpy(zero_copy_only=False)) + 1, -1)
    idx = pc.fill_null(enc.indices, len(table) - 1).to_numpy(zero_copy_only=False)
    return table[np.asarray(idx, dtype=np.int64)].astype(np.int64)


def _per_distinct(
    values: pd.Series, groups: np.ndarray, func: Callable[[pd.Series, np.ndarray], Any]
) -> tuple[np.ndarray, Any]:
    """Call ``func(distinct values, their groups)`` once per distinct (value, group) pair.

    Returns ``(codes, result)``: row ``i``'s answer is row ``codes[i]`` of ``result``
    (-1 where the value is NA). ``func`` gets a ``str`` Series without NA.
    """
    enc = pc.dictionary_encode(to_arrow(values))
    idx = np.asarray(pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False), np.int64)
    span = int(groups.max(initial=0)) + 2
    pair = np.where(idx >= 0, idx * span + groups + 1, -1)
    codes, uniques = pd.factorize(pair, use_na_sentinel=False)
    live = uniques >= 0
    if not live.all():  # NA values: give them no answer
        dead = int(np.flatnonzero(~live)[0])
        codes = np.where(codes == dead, -1, codes - (codes > dead))
        uniques = uniques[live]
    picked = pc.take(enc.dictionary, pa.array(uniques // span))
    u_values = str_series(picked, pd.RangeIndex(len(uniques)))
    return codes, func(u_values, uniques % span - 1)


_GROUP_NAMES = {-1: "*", 0: "-", 1: "US", 2: "CA", 3: "AU"}


def normalize_region(region: pd.Series, country: pd.Series | str | None = None) -> pd.Series:
    """States / provinces -> codes for US, CA and AU; other countries: tidy text.

    ``country`` is each row's country (ISO2 codes or names; a Series or one
    value). Where it is missing, US / Canadian / Australian names and codes
    are still recognised; anything else stays as tidied text.
    """
    r = as_str_series(region)
    codes = _as_country_codes(country, r.index)
    groups = _groups(codes, ("US", "CA", "AU"))

    def decide(u: pd.Series, grp: np.ndarray) -> pd.api.extensions.ExtensionArray:
        out: list[str | None] = []
        for text, gi in zip(clean_text(u).to_numpy(dtype=object, na_value=None), grp.tolist(),
                            strict=True):
            g = _GROUP_NAMES[gi]
            if text is None:
                out.append(None)
            elif g == "-":
                out.append(_tidy_place(text))
            else:
                hit = _region_lookup(g).get(country_key(text))
                out.append(hit if hit else _tidy_place(text))
        return pd.array(out, dtype=STR_DTYPE)

    rows, res = _per_distinct(r, groups, decide)
    return pd.Series(res.take(rows, allow_fill=True), index=r.index)


# ---------------------------------------------------------------- postal codes


def normalize_postal(
    postal: pd.Series, country: pd.Series | str | None = None
) -> tuple[pd.Series, pd.Series]:
    """Postal codes; returns ``(postal, repaired)``.

    US: ``'2110'`` -> ``'02110'`` with ``repaired=True`` (Excel dropped the
    zero; the caller warns), ``'02110-1234'`` / ``'021101234'`` -> ``'02110'``,
    ``'2110.0'`` -> ``'02110'``. Other countries: cleaned, upper-cased text
    (Canadian ``'k1a0b1'`` -> ``'K1A 0B1'``). Rows without a country are
    cleaned only.
    """
    p = as_str_series(postal)
    codes = _as_country_codes(country, p.index)
    # Work once per distinct (code, country group): a roster repeats its ZIP codes.
    rows, (out, repaired) = _per_distinct(p, _groups(codes, ("US", "CA")), _postal_codes)
    result = pd.Series(pd.array(out, dtype=STR_DTYPE).take(rows, allow_fill=True), index=p.index)
    return result, pd.Series(np.append(repaired, False)[rows], index=p.index)  # NA: not repaired


def _postal_codes(postal: pd.Series, grp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct postal codes (group 1: US, 2: Canada) -> (codes, repaired)."""
    p = clean_text(postal)
    p = p.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    up = p.str.upper()
    is_us = grp == 1
    out = up.to_numpy(dtype=object, na_value=None)
    repaired = np.zeros(len(p), dtype=bool)
    if is_us.any():
        us = p[is_us]
        digits = us.str.extract(r"^(\d{3,5})(?:[\s\-]?\d{4})?$", expand=False)
        nine = us.str.fullmatch(r"\d{9}").fillna(False)
        digits = digits.where(~nine, us.str[:5])
        padded = digits.str.zfill(5)
        fixed = padded.notna().to_numpy(dtype=bool)
        lost_zero = (digits.str.len() < 5).fillna(False).to_numpy(dtype=bool)
        pos = np.flatnonzero(is_us)
        out[pos[fixed]] = padded.to_numpy(dtype=object)[fixed]
        repaired[pos[lost_zero & fixed]] = True
    is_ca = grp == 2
    if is_ca.any():
        ca = up[is_ca]
        spaced = ca.str.replace(r"^([A-Z]\d[A-Z])\s*(\d[A-Z]\d)$", r"\1 \2", regex=True)
        out[np.flatnonzero(is_ca)] = spaced.to_numpy(dtype=object, na_value=None)
    return out, repaired
