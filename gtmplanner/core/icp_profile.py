"""The ICP profile: what counts as a fit and how many points each thing is worth.

Kept apart from the scoring in :mod:`gtmplanner.core.icp` (which re-exports
:class:`IcpProfile`): this module reads, validates and writes the profile the
user edits (``.toml`` or ``.json``); the shipped default lives in
``resources/profiles/default_icp.toml``.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from gtmplanner.core.errors import GtmError
from gtmplanner.core.persona import DEPARTMENTS, SENIORITY_LEVELS
from gtmplanner.core.resources import resource_path

__all__ = ["IcpProfile", "TIERS", "fold", "canonical_industry", "industry_index"]

TIERS: tuple[str, ...] = ("A", "B", "C", "D")

_SECTIONS: dict[str, tuple[str, ...]] = {
    "firmographics": ("industries", "industry_weight", "industry_synonyms", "employees_min",
                      "employees_max", "employees_weight", "revenue_min", "revenue_max",
                      "revenue_weight", "countries", "regions", "geography_weight"),
    "technographics": ("technologies_integrate", "integrate_weight", "competitor_products",
                       "competitor_weight"),
    "persona": ("target_departments", "department_weight", "seniority_points", "budget_holder_bonus"),
    "triggers": ("intent_topics", "intent_weight", "funding_within_months", "funding_weight",
                 "hiring_signal_weight", "leadership_change_weight"),
    "penalties": ("no_valid_email", "free_mail", "intern_or_student"),
}


def fold(text: object) -> str:
    """Lower-case, accents folded, ``&`` -> ``and``, punctuation to single spaces."""
    s = unicodedata.normalize("NFKD", str(text).replace("&", " and "))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^0-9a-z]+", " ", s).strip()


@dataclass
class IcpProfile:
    """The ideal customer profile: what counts, and how many points each thing is worth.

    Points are added as written (penalties are negative numbers).  A maximum of
    ``0`` for employees or revenue means "no upper limit".  Competitor weight
    may be negative (a competing tool is a worse fit) or positive (a
    displacement play).
    """

    name: str = "Default B2B SaaS ICP"
    description: str = "Event and field marketing platform selling to mid-market and enterprise."
    # firmographics
    industries: list[str] = field(default_factory=lambda: [
        "Software", "Technology", "Financial Services", "Insurance", "Healthcare",
        "Manufacturing", "Professional Services"])
    industry_weight: int = 20
    industry_synonyms: dict[str, list[str]] = field(default_factory=lambda: {
        "Software": ["SaaS", "Computer Software", "Software Development", "Enterprise Software",
                     "Internet Software", "Software Publishers", "Application Software"],
        "Technology": ["Information Technology", "Information Technology and Services",
                       "IT Services", "Internet", "Computer Hardware", "Tech", "Semiconductors"],
        "Financial Services": ["Banking", "Banks", "Credit Union", "FinTech", "Capital Markets",
                               "Investment Management", "Asset Management"],
        "Insurance": ["Insurance Carriers", "InsurTech"],
        "Healthcare": ["Health Care", "Hospital and Health Care", "Hospitals and Clinics",
                       "Hospitals", "Medical Devices", "Health Care Services", "HealthTech"],
        "Manufacturing": ["Industrial Machinery", "Industrial Automation", "Machinery",
                          "Electronics Manufacturing", "Industrial Manufacturing"],
        "Professional Services": ["Consulting", "Management Consulting", "Business Services",
                                  "Legal Services", "Accounting"],
        "Transportation": ["Logistics", "Freight", "Logistics and Supply Chain", "Trucking"],
        "Media": ["Publishing", "Broadcast Media", "Online Media"],
        "Energy": ["Utilities", "Oil and Gas", "Renewables"],
    })
    employees_min: float = 200.0
    employees_max: float = 10_000.0
    employees_weight: int = 10
    revenue_min: float = 20_000_000.0
    revenue_max: float = 5_000_000_000.0
    revenue_weight: int = 5
    countries: list[str] = field(default_factory=lambda: ["United Kingdom", "Germany"])
    regions: list[str] = field(default_factory=lambda: ["North America"])
    geography_weight: int = 10
    # technographics
    technologies_integrate: list[str] = field(default_factory=lambda: [
        "Salesforce", "HubSpot", "Marketo", "Snowflake", "Outreach"])
    integrate_weight: int = 10
    competitor_products: list[str] = field(default_factory=lambda: [
        "Cvent", "Bizzabo", "ON24", "Splash", "Goldcast"])
    competitor_weight: int = -10
    # persona
    target_departments: list[str] = field(default_factory=lambda: ["marketing", "sales", "revops"])
    department_weight: int = 10
    seniority_points: dict[str, int] = field(default_factory=lambda: {
        "c_level": 10, "vp": 10, "head": 8, "director": 8, "manager": 5, "senior_ic": 2, "ic": 0})
    budget_holder_bonus: int = 5
    # buying triggers
    intent_topics: list[str] = field(default_factory=lambda: [
        "event marketing", "ABM", "sales intelligence", "field marketing"])
    intent_weight: int = 10
    funding_within_months: int = 12
    funding_weight: int = 5
    hiring_signal_weight: int = 5
    leadership_change_weight: int = 5
    # penalties
    no_valid_email: int = -10
    free_mail: int = -5
    intern_or_student: int = -15
    tiers: dict[str, int] = field(default_factory=lambda: {"A": 70, "B": 50, "C": 30})

    # -- construction ---------------------------------------------------------------
    @classmethod
    def default(cls) -> IcpProfile:
        """The shipped profile (``resources/profiles/default_icp.toml``), else the built-ins."""
        path = resource_path("profiles", "default_icp.toml")
        return cls.load(path) if path.exists() else cls()

    @classmethod
    def load(cls, path: str | Path) -> IcpProfile:
        """Read a ``.toml`` or ``.json`` profile; any problem is one :class:`GtmError` line."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as err:
            raise GtmError(f"{path.name}: cannot read the profile ({err.strerror or err})") from None
        try:
            if path.suffix.lower() == ".json":
                data = json.loads(raw.decode("utf-8-sig"))
            else:
                data = tomllib.loads(raw.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as err:
            kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
            raise GtmError(f"{path.name}: not a valid {kind} profile ({err})") from None
        if not isinstance(data, dict):
            raise GtmError(f"{path.name}: a profile must be a table of settings")
        return cls.from_dict(data, source=path.name)

    def save(self, path: str | Path) -> None:
        """Write the profile as ``.toml`` (sections, readable) or ``.json``."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".json":
            text = json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"
        elif suffix == ".toml":
            text = _dump_toml(self.to_dict())
        else:
            raise GtmError(f"{path.name}: save the profile as .toml or .json")
        path.write_text(text, encoding="utf-8")

    def to_dict(self) -> dict[str, Any]:
        """Nested by section (the shape of the TOML file); :meth:`from_dict` reads it back."""
        flat = {f.name: _copy(getattr(self, f.name)) for f in fields(self)}
        out: dict[str, Any] = {"name": flat.pop("name"), "description": flat.pop("description")}
        for section, names in _SECTIONS.items():
            out[section] = {n: flat.pop(n) for n in names}
        out.update(flat)  # tiers
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "profile") -> IcpProfile:
        """Build a profile from nested (by section) or flat settings; missing ones keep defaults.

        Unknown keys and wrong types raise :class:`GtmError`, e.g.
        ``profile.toml: unknown setting 'industires' (did you mean 'industries'?)``.
        """
        known = {f.name: f for f in fields(cls)}
        flat: dict[str, Any] = {}
        for key, value in data.items():
            if key in _SECTIONS:
                if not isinstance(value, dict):
                    raise GtmError(f"{source}: {key!r} must be a section of settings")
                for sub, sub_value in value.items():
                    flat[sub] = sub_value
            else:
                flat[key] = value
        for key in flat:
            if key not in known:
                raise GtmError(f"{source}: unknown setting {key!r}{_did_you_mean(key, known)}")
        profile = cls()
        for key, value in flat.items():
            setattr(profile, key, _check_value(key, value, getattr(profile, key), source))
        profile._validate(source)
        return profile

    def _validate(self, source: str) -> None:
        """Cross-field checks: known departments and levels, tier order."""
        for dept in self.target_departments:
            if dept not in DEPARTMENTS:
                raise GtmError(f"{source}: unknown department {dept!r} in target_departments"
                               f"{_did_you_mean(dept, DEPARTMENTS)}")
        for level in self.seniority_points:
            if level not in SENIORITY_LEVELS:
                raise GtmError(f"{source}: unknown seniority {level!r} in seniority_points"
                               f"{_did_you_mean(level, SENIORITY_LEVELS)}")
        if set(self.tiers) != {"A", "B", "C"}:
            raise GtmError(f"{source}: tiers must set A, B and C (D is everything below C)")
        if not self.tiers["A"] >= self.tiers["B"] >= self.tiers["C"]:
            raise GtmError(f"{source}: tiers must satisfy A >= B >= C")

    def tier_of(self, scores: np.ndarray) -> np.ndarray:
        """Tier letters for an array of scores."""
        scores = np.asarray(scores)
        t = self.tiers
        return np.select([scores >= t["A"], scores >= t["B"], scores >= t["C"]],
                         ["A", "B", "C"], default="D").astype(object)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return list(value)
    return value


def _did_you_mean(key: str, options: Any) -> str:
    close = difflib.get_close_matches(key, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_value(key: str, value: Any, default: Any, source: str) -> Any:
    """Coerce ``value`` to the type of ``default`` or raise one clear line."""
    def bad(expected: str) -> GtmError:
        return GtmError(f"{source}: setting {key!r} must be {expected}, not {value!r}")

    if isinstance(default, str):
        if not isinstance(value, str):
            raise bad("text")
        return value
    if isinstance(default, list):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of texts")
        return [v.strip() for v in value if v.strip()]
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise bad("a table")
        if key == "industry_synonyms":
            return {str(k): _check_value(key, v, [], source) for k, v in value.items()}
        return {str(k): _check_number(key, v, source, integer=True) for k, v in value.items()}
    return _check_number(key, value, source, integer=isinstance(default, int))


def _check_number(key: str, value: Any, source: str, *, integer: bool) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise GtmError(f"{source}: setting {key!r} must be a number, not {value!r}")
    return int(round(value)) if integer else float(value)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _dump_toml(data: dict[str, Any], prefix: str = "") -> str:
    """A small TOML writer for our profile: scalars and lists, then sub-tables."""
    lines = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for key, value in data.items():
        if isinstance(value, dict):
            name = f"{prefix}.{_toml_key(key)}" if prefix else _toml_key(key)
            lines += ["", f"[{name}]", _dump_toml(value, name).rstrip("\n")]
    return "\n".join(lines).lstrip("\n") + "\n"


def industry_index(profile: IcpProfile) -> dict[str, str]:
    """Folded alias -> canonical industry (every canonical name is its own alias)."""
    index: dict[str, str] = {}
    for canonical, aliases in profile.industry_synonyms.items():
        for alias in [canonical, *aliases]:
            index.setdefault(fold(alias), canonical)
    for name in profile.industries:
        index.setdefault(fold(name), name)
    return index


def canonical_industry(value: str, index: dict[str, str]) -> str | None:
    """The canonical industry for a value ("SaaS" -> "Software"); None when unknown.

    An exact alias wins; otherwise the longest alias found as whole words inside
    the value ("Enterprise Software Vendors" -> "Software").
    """
    folded = fold(value)
    if folded in index:
        return index[folded]
    best = None
    for alias, canonical in index.items():  # longest whole-word alias inside the value
        if alias and re.search(rf"\b{re.escape(alias)}\b", folded):
            if best is None or len(alias) > len(best[0]):
                best = (alias, canonical)
    return best[1] if best else None
