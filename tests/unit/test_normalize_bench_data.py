"""A realistic, mostly-unique roster frame for checking and timing the normalisers.

Holds no tests itself: ``test_normalize_perf.py`` checks the normalisers' results
on it, and ``benchmarks/bench_parts.py`` times them on 200,000 rows of it::

    .venv/bin/python benchmarks/bench_parts.py --only normalise
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_FIRST = (
    "Jane John Ana Li Mohammed Sven Chloé Aoife Priya Noah Grace Diego Fatima Mei Rahul "
    "Jordan Avery Sofia Hannah Marcus Oliver Aisha Tomás Zoë Björn Émile Siobhan Kwame "
    "Yuki Ines Lukas Olga Pedro Camila Amir Leila Chen Wei Hiroshi Sakura Dmitri Nadia"
).split()
_SYL = "ka ro mi ta ne lo sa vi de ran bel mor tin son gar hal wen fi dor ak ber ul st an".split()
_DOMAINS = ("com", "io", "co.uk", "de", "org", "net", "fr")
_CITIES_COUNTRY = (
    ("US", "United States", "MA"),
    ("US", "USA", "California"),
    ("US", "U.S.", "tx"),
    ("GB", "United Kingdom", "England"),
    ("DE", "Deutschland", "Bavaria"),
    ("CA", "Canada", "Ontario"),
    ("FR", "France", "Île-de-France"),
    ("NL", "Holland", ""),
    ("AU", "Australia", "NSW"),
    ("US", "United States of America", "Mass."),
)


def _surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    a = rng.choice(_SYL, n)
    b = rng.choice(_SYL, n)
    c = rng.choice(_SYL, n)
    return np.char.capitalize(np.char.add(np.char.add(a, b), c).astype(str))


def realistic_frame(n: int = 200_000, seed: int = 0) -> pd.DataFrame:
    """``n`` rows of roster-shaped text columns, mostly unique values."""
    rng = np.random.default_rng(seed)
    first = rng.choice(_FIRST, n)
    last = _surnames(rng, n)
    serial = np.arange(n).astype(str)
    full = np.char.add(np.char.add(first, " "), last).astype(object)
    # A few titles, suffixes, middle initials and "Last, First".
    k = rng.random(n)
    full[k < 0.02] = "Dr. " + full[k < 0.02]
    full[(k >= 0.02) & (k < 0.04)] = full[(k >= 0.02) & (k < 0.04)] + " Jr."
    mid = (k >= 0.04) & (k < 0.10)
    full[mid] = first[mid] + " Q. " + last[mid]
    rev = (k >= 0.10) & (k < 0.13)
    full[rev] = last[rev] + ", " + first[rev]
    company = np.char.add(np.char.lower(_surnames(rng, n)), rng.integers(0, 5000, n).astype(str))
    dom = rng.choice(_DOMAINS, n)
    email = np.char.add(
        np.char.add(np.char.add(np.char.lower(first.astype(str)), "."), np.char.lower(last)),
        np.char.add(np.char.add(serial, "@"), np.char.add(np.char.add(company, "."), dom)),
    ).astype(object)
    email[k > 0.99] = "not an email"
    email[(k > 0.95) & (k <= 0.96)] = "Jane Doe <JD" + serial[(k > 0.95) & (k <= 0.96)] + "@x.org>"
    upper = (k > 0.90) & (k <= 0.95)
    email[upper] = np.char.upper(email[upper].astype(str))
    # Phones: mostly US shapes, some international and national formats.
    area = rng.integers(201, 990, n).astype(str)
    ex = rng.integers(200, 999, n).astype(str)
    line = np.char.zfill(rng.integers(0, 9999, n).astype(str), 4)
    fmt = rng.integers(0, 8, n)
    phone = np.where(
        fmt == 0,
        np.char.add(
            np.char.add(np.char.add("(", area), ") "), np.char.add(np.char.add(ex, "-"), line)
        ),
        "",
    )
    phone = np.where(fmt == 1, np.char.add(np.char.add(area, ex), np.char.add(line, ".0")), phone)
    phone = np.where(
        fmt == 2,
        np.char.add(
            "+1 ", np.char.add(np.char.add(area, " "), np.char.add(np.char.add(ex, " "), line))
        ),
        phone,
    )
    phone = np.where(fmt == 3, np.char.add("+44 20 7", np.char.add(ex, line)), phone)
    phone = np.where(fmt == 4, np.char.add("+49 30 ", np.char.add(ex, line)), phone)
    phone = np.where(
        fmt == 5,
        np.char.add(
            np.char.add(area, "-"), np.char.add(np.char.add(ex, "-"), np.char.add(line, " x12"))
        ),
        phone,
    )
    phone = np.where(fmt == 6, np.char.add("040 ", np.char.add(ex, line)), phone)
    phone = np.where(
        fmt == 7,
        np.char.add(np.char.add(area, "."), np.char.add(np.char.add(ex, "."), line)),
        phone,
    )
    phone_region = np.where(fmt == 6, "DE", "US")
    place = rng.integers(0, len(_CITIES_COUNTRY), n)
    iso = np.array([c[0] for c in _CITIES_COUNTRY])[place]
    country = np.array([c[1] for c in _CITIES_COUNTRY])[place]
    region = np.array([c[2] for c in _CITIES_COUNTRY])[place]
    # Dates: unique-ish timestamps as ISO with offsets, US slashes, month names, serials.
    base = np.datetime64("2024-01-01T00:00") + rng.integers(0, 3 * 365 * 24 * 60, n).astype(
        "timedelta64[m]"
    )
    ts = pd.Series(base)
    dfmt = rng.integers(0, 3, n)
    iso_s = ts.dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(dtype=str)
    iso_s = np.char.add(iso_s, "-04:00")
    dates = iso_s.astype(object)
    date_col2 = ts.dt.strftime("%m/%d/%Y").to_numpy(dtype=object)
    date_col3 = ts.dt.strftime("%b %d, %Y %H:%M:%S").to_numpy(dtype=object)
    del dfmt
    amounts = rng.integers(1000, 5_000_000, n)
    money = np.where(
        k < 0.5,
        np.array([f"USD {x:,}.00" for x in amounts.tolist()]),
        np.char.add(np.char.mod("%d", amounts), ".00"),
    ).astype(object)
    money[k > 0.8] = np.char.add("€", np.char.mod("%d", amounts[k > 0.8]))
    emp = rng.integers(1, 100_000, n)
    employees = np.char.mod("%d", emp).astype(object)
    buckets = np.array(["11-50", "51-200", "201-500", "1,001-5,000", "10,000+", "1K-5K"])
    employees[k < 0.3] = buckets[rng.integers(0, len(buckets), n)][k < 0.3]
    bools = np.array(["Yes", "No", "Checked In", "Attending", "x", "", "TRUE", "no-show"])[
        rng.integers(0, 8, n)
    ]
    zips = np.char.zfill(rng.integers(501, 99999, n).astype(str), 5)
    zips = np.where(k < 0.1, np.char.lstrip(zips, "0"), zips)
    return pd.DataFrame(
        {
            "full_name": pd.array(full.astype(str), dtype="str"),
            "first_name": pd.array(
                np.where(k < 0.2, np.char.upper(first.astype(str)), first), dtype="str"
            ),
            "email": pd.array(email.astype(str), dtype="str"),
            "phone": pd.array(phone.astype(str), dtype="str"),
            "phone_region": pd.array(phone_region, dtype="str"),
            "country": pd.array(country, dtype="str"),
            "iso": pd.array(iso, dtype="str"),
            "region": pd.array(region, dtype="str"),
            "postal": pd.array(zips, dtype="str"),
            "date_iso": pd.array(dates.astype(str), dtype="str"),
            "date_us": pd.array(date_col2.astype(str), dtype="str"),
            "date_named": pd.array(date_col3.astype(str), dtype="str"),
            "money": pd.array(money.astype(str), dtype="str"),
            "employees": pd.array(employees.astype(str), dtype="str"),
            "bool": pd.array(bools, dtype="str"),
        }
    )
