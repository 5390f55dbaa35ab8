"""Company names and internet domains, normalised for matching and display.

Everything here works on whole pandas Series and does the expensive work once
per *distinct* value: the values are factorised, the distinct ones are
normalised with vectorised pyarrow string kernels (RE2 regular expressions,
Unicode normalisation) and the results are spread back with the codes.

- :func:`company_key` is the matching key of a company name: case, accents,
  punctuation, "&"/"and", a leading "The", common abbreviations ("Intl",
  "Mfg") and legal-form suffixes ("Inc", "GmbH", "Pty Ltd", "S.A.") do not
  change it, so "Acme, Inc." = "ACME Inc" = "Acme Incorporated" = "acme".
  Geographic or descriptive words ("Europe", "UK", "Group", "Health") are
  kept: "Acme Europe GmbH" is not "Acme Inc" by name alone.
- :func:`tidy_company_names` is the display form (trimmed, ALL CAPS fixed).
- :func:`registered_domain` / :func:`email_domain` reduce hosts, URLs and
  emails to the domain a company registered ("emea.acme.co.uk" ->
  "acme.co.uk") with tldextract's bundled public-suffix snapshot, never
  fetched; :func:`is_free_mail` says whether a domain is a free-mail provider.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "FREE_MAIL_DOMAINS",
    "FREE_MAIL_BRANDS",
    "LEGAL_SUFFIXES",
    "company_key",
    "has_legal_suffix",
    "tidy_company_names",
    "registered_domain",
    "email_domain",
    "is_free_mail",
]

# --------------------------------------------------------------------------- free mail

FREE_MAIL_DOMAINS: frozenset[str] = frozenset("""
gmail.com googlemail.com
outlook.com outlook.fr outlook.de outlook.es outlook.it outlook.jp outlook.co.uk
hotmail.com hotmail.co.uk hotmail.fr hotmail.de hotmail.it hotmail.es hotmail.nl hotmail.ca
hotmail.com.au hotmail.be hotmail.ch
live.com live.co.uk live.fr live.de live.nl live.it live.ca live.com.au live.be
msn.com passport.com windowslive.com
yahoo.com yahoo.co.uk yahoo.fr yahoo.de yahoo.it yahoo.es yahoo.ca yahoo.com.au yahoo.co.in
yahoo.in yahoo.co.jp yahoo.com.br yahoo.com.mx yahoo.com.sg ymail.com rocketmail.com
icloud.com me.com mac.com aol.com aim.com aol.co.uk
gmx.com gmx.net gmx.de gmx.at gmx.ch gmx.us gmx.fr web.de t-online.de freenet.de arcor.de
protonmail.com protonmail.ch proton.me pm.me tutanota.com tutanota.de tuta.io hushmail.com
fastmail.com fastmail.fm hey.com mail.com email.com usa.com inbox.com zoho.com zohomail.com
yandex.com yandex.ru ya.ru mail.ru bk.ru inbox.ru list.ru rambler.ru
qq.com 163.com 126.com yeah.net sina.com sina.cn sohu.com aliyun.com
naver.com hanmail.net daum.net rediffmail.com
orange.fr wanadoo.fr free.fr sfr.fr laposte.net neuf.fr club-internet.fr bbox.fr
libero.it virgilio.it tiscali.it alice.it tin.it
btinternet.com sky.com virginmedia.com ntlworld.com talktalk.net blueyonder.co.uk
comcast.net verizon.net att.net sbcglobal.net bellsouth.net cox.net charter.net earthlink.net
optonline.net juno.com netzero.net frontier.com windstream.net
shaw.ca rogers.com sympatico.ca videotron.ca telus.net
bigpond.com bigpond.net.au optusnet.com.au xtra.co.nz
seznam.cz wp.pl o2.pl interia.pl onet.pl centrum.cz
terra.com.br uol.com.br bol.com.br
""".split())
"""Registered domains of free-mail providers: an email there says nothing about an employer."""

FREE_MAIL_BRANDS: frozenset[str] = frozenset(
    {"gmail", "hotmail", "outlook", "live", "yahoo", "ymail", "gmx", "yandex", "aol",
     "protonmail", "icloud"})
"""Second-level labels that are free mail under any public suffix ("hotmail.*", "yahoo.*")."""

_FREE_ARR = pa.array(sorted(FREE_MAIL_DOMAINS), type=pa.large_string())
_FREE_BRANDS_ARR = pa.array(sorted(FREE_MAIL_BRANDS), type=pa.large_string())

# --------------------------------------------------------------------------- company keys


def _legal_suffixes() -> tuple[str, ...]:
    """Legal-form suffixes as normalised token sequences (cleanco's list + ours - risky ones)."""
    try:
        from cleanco import prepare_default_terms
        terms = {" ".join(parts) for _n, parts in prepare_default_terms()}
    except Exception:  # pragma: no cover - cleanco is a dependency; keep working without it
        terms = set()
    terms |= {
        "inc", "incorporated", "corp", "corporation", "co", "company", "cos", "companies",
        "llc", "l l c", "llp", "lllp", "pllc", "lp", "ltd", "limited", "pty", "pty ltd",
        "pvt", "pvt ltd", "private limited", "plc", "p l c", "gmbh", "mbh", "ag", "a g", "kg",
        "kgaa", "ohg", "se", "sa", "s a", "sas", "s a s", "sarl", "sl", "s l", "sau", "srl",
        "s r l", "spa", "s p a", "bv", "b v", "nv", "n v", "ab", "oy", "oyj", "as", "a s",
        "asa", "aps", "kk", "pte", "pte ltd", "bhd", "sdn bhd", "ltda", "sa de cv",
        "s de rl de cv", "gmbh co kg", "co kg", "co ltd", "co inc",
    }
    # Words that are legal forms somewhere but usually mean something else in a name
    # (a country, a region, a descriptor): stripping them would merge different companies.
    risky = {"uk", "eu", "ca", "at", "et", "ok", "ent", "private", "coop", "vat", "sem", "sep",
             "ses", "sha", "teo", "tmi", "ei", "ec", "ee", "ep", "pc", "ps", "ss", "sc", "sd",
             "da", "dd", "bt", "mb", "pp", "bm", "bl", "ba", "fa", "ad", "ae", "ud", "ik", "ij",
             "ky", "nl", "eg", "og", "oe", "od", "kt", "xt", "kd", "kv", "sf", "sp",
             "cv", "gp", "unlimited", "ultd", "unltd", "cic", "cio", "gte", "fie", "dat",
             "s", "a", "i", "p", "k", "g", "de", "en", "c"}
    out: set[str] = set()
    for term in terms:
        norm = " ".join(re.sub(r"[^0-9a-z]+", " ", term.lower()).split())
        if norm and norm not in risky and norm.isascii():
            out.add(norm)
    # Longest first so the alternation prefers multi-word forms.
    return tuple(sorted(out, key=lambda t: (-len(t), t)))


LEGAL_SUFFIXES: tuple[str, ...] = _legal_suffixes()
"""Normalised legal-form suffixes removed from the end of a company key."""

_SUFFIX_RE = r"(?: (?:" + "|".join(re.escape(t).replace("\\ ", " ")
                                    for t in LEGAL_SUFFIXES) + r"))+$"

# Abbreviations that are spelled both ways in rosters and CRMs.
_ABBREVIATIONS: dict[str, str] = {
    "international": "intl|internatl|internat|int'l",
    "manufacturing": "mfg|mfrg|manuf",
    "national": "natl",
    "services": "svcs|svc",
    "brothers": "bros",
    "center": "ctr|centre",
    "association": "assn|assoc",
    "university": "univ",
    "hospital": "hosp",
    "holdings": "hldgs|hldg",
    "management": "mgmt",
    "technologies": "technology|tech|techs",  # "Acme Tech" = "Acme Technologies"
    "laboratories": "labs|lab|laboratory",
    "solutions": "soln|solns",
    "systems": "sys",
    "group": "grp",
    "industries": "inds|indus",
    "saint": "st",
    "mountain": "mtn",
    "insurance": "ins",
}
_ABBREV_RES: list[tuple[str, str]] = [
    (r"\b(?:" + alts.replace("'", "") + r")\b", full) for full, alts in _ABBREVIATIONS.items()]
_ABBREV_ANY = (r"\b(?:and|" + "|".join(alts.replace("'", "") for alts in _ABBREVIATIONS.values())
               + r")\b")

# Values people type when they have no company (compared with keys).
_PLACEHOLDERS = pa.array(sorted("""n a|na|none|null|nil|nan|unknown|self|self employed|
unemployed|student|retired|freelance|freelancer|independent|consultant|private|confidential|
not applicable|personal|test|various|other|no company|tbd|x|xx|xxx""".replace("\n", "").split("|")),
                         type=pa.large_string())

# Letters NFKD does not decompose.
_NON_NFKD = {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d",
             "þ": "th", "ı": "i", "ħ": "h", "ŧ": "t"}


def _arrow(values: Any) -> tuple[pa.Array, pd.Series]:
    """``values`` as a Series of str and as one pyarrow string array (zero-copy when possible)."""
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype="str")
    if series.dtype != "str":
        series = series.astype("str")
    arr = pa.array(series)
    if isinstance(arr, pa.ChunkedArray):  # pragma: no cover - depends on the pandas build
        arr = arr.combine_chunks()
    return arr, series


def _factorized(values: Any, func: Callable[[pa.Array], pa.Array]) -> pd.Series:
    """Apply ``func`` (string array -> string array) once per distinct value of ``values``.

    Results that come out empty are NA ("nothing left"), as are NA inputs.
    """
    arr, series = _arrow(values)
    enc = pc.dictionary_encode(arr)
    if len(enc.dictionary):
        res = func(enc.dictionary)
        res = pc.if_else(pc.equal(res, ""), pa.scalar(None, res.type), res)
        out = pc.take(res, enc.indices)
    else:
        out = pa.nulls(len(arr), pa.large_string())
    return pd.Series(out, index=series.index, dtype="str", name=series.name)


def _squeeze(arr: pa.Array) -> pa.Array:
    """Trim and collapse runs of whitespace into one space."""
    arr = pc.replace_substring_regex(arr, r"\s{2,}|[^\S ]", " ")
    return pc.utf8_trim_whitespace(arr)


def _on_subset(arr: pa.Array, mask: pa.Array, func: Callable[[pa.Array], pa.Array]
               ) -> pa.Array:
    """Apply ``func`` only to the rows where ``mask`` is true (cheap when few are)."""
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return arr
    sub = func(pc.filter(arr, mask))
    return pc.replace_with_mask(arr, mask, sub.cast(arr.type))


def _strip_accents_lower(arr: pa.Array) -> pa.Array:
    """NFKD, drop combining marks, lower-case, fold the few letters NFKD leaves alone."""
    arr = pc.utf8_normalize(arr, "NFKD")

    def fold(sub: pa.Array) -> pa.Array:
        sub = pc.replace_substring_regex(sub, r"\p{Mn}+", "")
        sub = pc.utf8_lower(sub)
        for char, rep in _NON_NFKD.items():
            sub = pc.replace_substring(sub, char, rep)
        return sub

    arr = _on_subset(arr, pc.invert(pc.string_is_ascii(arr)), fold)
    return pc.utf8_lower(arr)


def _expand_abbreviations(sub: pa.Array) -> pa.Array:
    """Spell out abbreviations and drop the word "and" (rows known to contain some)."""
    for pattern, full in _ABBREV_RES:
        sub = pc.replace_substring_regex(sub, pattern, full)
    sub = pc.replace_substring_regex(sub, r"\band\b", "")
    return _squeeze(sub)


def _key_kernel(arr: pa.Array, strip_suffix: bool = True) -> pa.Array:
    """Vectorised body of :func:`company_key` over distinct names."""
    arr = _strip_accents_lower(arr)
    arr = pc.replace_substring(pc.replace_substring(arr, "&", " "), "+", " ")
    arr = pc.replace_substring_regex(arr, "['`\u00b4\u2019\u2018]", "")
    # "Amazon.com" -> "amazon"; "S.A." / "J.P." -> "sa" / "jp" (dots after single letters go).
    arr = pc.replace_substring_regex(arr, r"(\w)\.(?:com|net|io|ai)\b|\b(\pL)\.", r"\1\2")
    arr = pc.replace_substring_regex(arr, r"[^\pL\pN ]+", " ")
    arr = _squeeze(arr)
    arr = _on_subset(arr, pc.match_substring_regex(arr, _ABBREV_ANY), _expand_abbreviations)
    arr = pc.replace_substring_regex(arr, r"^the (\S)", r"\1")
    if strip_suffix:
        arr = pc.replace_substring_regex(arr, _SUFFIX_RE, "")
    # "N/A", "Self-employed", "Student": no company at all.
    return pc.if_else(pc.is_in(arr, value_set=_PLACEHOLDERS), pa.scalar(None, arr.type), arr)


def company_key(names: Any) -> pd.Series:
    """The matching key of each company name (NA where there is no name).

    Lower case without accents; "&", "+" and the word "and" dropped; apostrophes
    removed ("Int'l" -> "intl" -> "international"); other punctuation becomes
    a space; a leading "The" and trailing legal forms ("Co", "Corp", "LLC",
    "Ltd", "GmbH", "S.A.", "SAS", "AG", "BV", "Pty Ltd", "PLC", ...) removed,
    but never the first word. Words that tell companies apart ("Europe",
    "Health", "Group", "UK") are kept.

    >>> company_key(pd.Series(["Acme, Inc.", "ACME Inc", "The Acme Incorporated"])).tolist()
    ['acme', 'acme', 'acme']
    """
    return _factorized(names, _key_kernel)


def has_legal_suffix(names: Any) -> pd.Series:
    """True where the name ends with a legal form ("Acme Corp"): the name is given in full.

    A name written with its legal form is less likely to be a shortened one,
    which the matcher uses before it links "Northwind" to "Northwind Logistics".
    """
    def kernel(arr: pa.Array) -> pa.Array:
        bare = _key_kernel(arr, strip_suffix=False)
        stripped = pc.replace_substring_regex(bare, _SUFFIX_RE, "")
        return pc.cast(pc.if_else(pc.equal(bare, stripped), "0", "1"), pa.large_string())

    return _factorized(names, kernel).eq("1").fillna(False).astype(bool)


# --------------------------------------------------------------------------- display names

_KEEP_LOWER = frozenset({"and", "of", "the", "for", "de", "du", "des", "la", "le", "von", "van",
                         "der", "den", "y", "e", "et", "in", "on", "at", "by", "a", "an", "to"})
_COMMON_SHORT = frozenset({"co", "inc", "ltd", "new", "one", "top", "big", "red", "sun", "bay",
                           "sea", "oak", "art", "bio", "car", "air", "all", "bar", "box", "day",
                           "key", "net", "max", "pro", "web", "way", "go", "my", "our", "law",
                           "lab", "war", "job", "fit", "eco", "tea", "zen", "ace", "old", "blu",
                           "hub", "inn", "pet", "pub", "fox", "sky", "run", "cup", "pie", "pay"})
_LEGAL_CASE = {"gmbh": "GmbH", "llc": "LLC", "llp": "LLP", "lllp": "LLLP", "pllc": "PLLC",
               "plc": "PLC", "ag": "AG", "sa": "SA", "sas": "SAS", "sarl": "SARL", "bv": "BV",
               "nv": "NV", "ab": "AB", "oy": "Oy", "kg": "KG", "kgaa": "KGaA", "se": "SE",
               "spa": "SpA", "srl": "Srl", "pty": "Pty", "ltd": "Ltd", "inc": "Inc",
               "corp": "Corp", "co": "Co", "lp": "LP", "asa": "ASA", "aps": "ApS", "kk": "KK",
               "pte": "Pte", "bhd": "Bhd", "sdn": "Sdn", "ltda": "Ltda", "mbh": "mbH",
               "ohg": "OHG"}
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


def _tidy_one(name: str) -> str:
    """Display form of one name (already whitespace-collapsed)."""
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return name
    upper = all(c.isupper() for c in letters)
    lower = all(c.islower() for c in letters)
    if not (upper or lower):
        return name  # mixed case: the user's spelling (eBay, McKinsey, iRobot) wins
    words = name.split(" ")
    if upper and len(words) == 1 and len(letters) <= 5:
        return name  # "IBM", "KPMG", "HSBC"
    out = []
    for i, word in enumerate(words):
        bare = "".join(c for c in word if c.isalnum()).lower()
        if bare in _LEGAL_CASE and i > 0:
            out.append(word.lower().replace(bare, _LEGAL_CASE[bare]) if bare in word.lower()
                       else word)
            continue
        if i > 0 and bare in _KEEP_LOWER:
            out.append(word.lower())
            continue
        if (upper and len(bare) <= 3 and bare.isalpha() and bare not in _COMMON_SHORT
                and not set(bare) & set("aeiouy")):
            out.append(word)  # "BMW", "DHL": acronyms without vowels stay upper case
            continue
        if upper and len(bare) <= 3 and bare.isalpha() and "&" in word:
            out.append(word)  # "AT&T"
            continue
        out.append(_WORD_RE.sub(lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(),
                                word))
    return " ".join(out)


def tidy_company_names(names: Any) -> pd.Series:
    """Display form: trimmed, inner whitespace collapsed, ALL CAPS / all lower fixed.

    "HARBOR & PINE RETAIL" -> "Harbor & Pine Retail", "MERIDIAN FREIGHT GMBH" ->
    "Meridian Freight GmbH"; short acronyms ("IBM", "DHL") and mixed-case
    spellings ("eBay") are kept; the legal suffix stays. Blank -> NA.
    """
    def tidy(names: pa.Array) -> pa.Array:
        return pa.array([_tidy_one(u) for u in names.to_pylist()], type=pa.large_string())

    def kernel(uniq: pa.Array) -> pa.Array:
        uniq = _squeeze(uniq)
        # Names with both an upper- and a lower-case ASCII letter are kept as written.
        mixed = pc.and_(pc.match_substring_regex(uniq, "[A-Z]"),
                        pc.match_substring_regex(uniq, "[a-z]"))
        return _on_subset(uniq, pc.invert(mixed), tidy)

    return _factorized(names, kernel)


# --------------------------------------------------------------------------- domains


@lru_cache(maxsize=1)
def _extractor() -> Any:
    """tldextract on its bundled public-suffix snapshot: no network, no cache dir."""
    import tldextract
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None,
                                 include_psl_private_domains=False)


def _host_kernel(arr: pa.Array) -> pa.Array:
    """URL / email / host -> bare lower-case host (still with subdomains)."""
    arr = pc.utf8_lower(pc.utf8_trim_whitespace(arr))
    arr = pc.replace_substring_regex(arr, r"^mailto:", "")
    arr = pc.replace_substring_regex(arr, r"^[a-z][a-z0-9+.\-]*://", "")
    arr = pc.replace_substring_regex(arr, r"^//", "")
    arr = pc.replace_substring_regex(arr, r"[/?#\s,;<>\"'()\[\]].*$", "")
    arr = pc.replace_substring_regex(arr, r"^.*@", "")  # email, or user:pass@host
    arr = pc.replace_substring_regex(arr, r":\d*$", "")  # port
    arr = pc.replace_substring_regex(arr, r"^\.+|\.+$", "")
    return arr


# How tldextract.suffix_list reads the list: the first token of each rule line of the
# ICANN section (everything before the private domains).
_PSL_RULE = re.compile(r"^(?P<suffix>[.*!]*\w[\S]*)", re.UNICODE | re.MULTILINE)
_PSL_PRIVATE = "// ===BEGIN PRIVATE DOMAINS==="


@lru_cache(maxsize=1)
def _public_suffixes() -> list[str]:
    """The ICANN rules of tldextract's bundled public-suffix snapshot (``_extractor().tlds``).

    Read straight from the package data, parsed as tldextract parses it, without
    importing tldextract (which imports requests and builds a lookup trie we do
    not use): a one-off saving of ~0.1 s on the first import of a file.
    """
    import importlib.util
    import os

    try:
        spec: Any = importlib.util.find_spec("tldextract")
        path = os.path.join(os.path.dirname(spec.origin), ".tld_set_snapshot")
        text = spec.loader.get_data(path).decode("utf-8")
    except Exception:  # pragma: no cover - an unusual install: ask tldextract itself
        return list(_extractor().tlds)
    public = text.partition(_PSL_PRIVATE)[0]
    return [m.group("suffix") for m in _PSL_RULE.finditer(public)]


@lru_cache(maxsize=1)
def _suffix_rules() -> tuple[pa.Array, pa.Array, pa.Array]:
    """Public-suffix rules from tldextract's bundled snapshot: (plain, wildcard bases, exceptions).

    ICANN section only (no private suffixes such as blogspot.com). Unicode
    rules are also given in punycode, the form hosts take in emails.
    """
    plain, wild, exc = set(), set(), set()
    for rule in _public_suffixes():
        rule = rule.lower()
        forms = {rule}
        if not rule.isascii():  # an ASCII rule is its own IDNA form
            try:
                forms.add(rule.lstrip("*.!").encode("idna").decode("ascii")
                          if rule[:1] in "*!" else rule.encode("idna").decode("ascii"))
            except UnicodeError:
                pass
        for form in forms:
            if rule.startswith("*."):
                wild.add(form[2:] if form.startswith("*.") else form)
            elif rule.startswith("!"):
                exc.add(form[1:] if form.startswith("!") else form)
            else:
                plain.add(form)
    as_arr = lambda xs: pa.array(sorted(xs), type=pa.large_string())  # noqa: E731
    return as_arr(plain), as_arr(wild), as_arr(exc)


_MAX_SUFFIX_LABELS = 5


def _registered_hosts(hosts: pa.Array) -> pa.Array:
    """Registered domain of each bare host, vectorised (longest public-suffix rule wins).

    NA for single labels, IP addresses, unknown top-level domains and hosts
    that are a public suffix themselves.
    """
    plain, wild, exc = _suffix_rules()
    hosts = hosts.cast(pa.large_string())
    n_labels = pc.add(pc.count_substring(hosts, "."), 1).to_numpy(zero_copy_only=False)
    # The last k labels of each host (null when it has fewer), read off the reversed host.
    rev = pc.utf8_reverse(hosts)
    tails = {0: pa.nulls(len(hosts), pa.large_string())}
    for k in range(1, _MAX_SUFFIX_LABELS + 2):
        head = pc.extract_regex(rev, rf"^(?P<t>(?:[^.]*\.){{{k - 1}}}[^.]*)").field("t")
        tails[k] = pc.utf8_reverse(head)
    suffix_len = np.zeros(len(hosts), dtype=np.int64)
    for k in range(1, _MAX_SUFFIX_LABELS + 1):
        have = n_labels >= k
        is_rule = pc.is_in(tails[k], value_set=plain).to_numpy(zero_copy_only=False)
        is_wild = (pc.is_in(tails[k - 1], value_set=wild).to_numpy(zero_copy_only=False)
                   if k > 1 else np.zeros(len(hosts), dtype=bool))
        is_exc = pc.is_in(tails[k], value_set=exc).to_numpy(zero_copy_only=False)
        suffix_len = np.where(have & is_exc, k - 1,
                              np.where(have & (is_rule | is_wild), k, suffix_len))
    want = suffix_len + 1
    ok = (suffix_len >= 1) & (n_labels >= want)
    out = pa.nulls(len(hosts), pa.large_string())
    for k in range(2, _MAX_SUFFIX_LABELS + 2):
        mask = pa.array(ok & (want == k))
        out = pc.if_else(mask, tails[k], out)
    # Empty labels ("acme..com") and IP-like hosts are not domains.
    bad = pc.or_(pc.match_substring_regex(out, r"(^|\.)\.|^\.|^[0-9.]+$"),
                 pc.match_substring(out, ".."))
    return pc.if_else(pc.fill_null(bad, False), pa.scalar(None, pa.large_string()), out)


def _registered_kernel(arr: pa.Array) -> pa.Array:
    """Distinct raw values -> registered domains (the suffix lookup once per distinct host)."""
    enc = pc.dictionary_encode(_host_kernel(arr))
    return pc.take(_registered_hosts(enc.dictionary), enc.indices)


def registered_domain(hosts_or_urls: Any) -> pd.Series:
    """The domain a company registered, from hosts, URLs or emails.

    "https://www.emea.acme.com/x" -> "acme.com", "acme.co.uk" -> "acme.co.uk",
    "jo@mail.acme.de" -> "acme.de"; NA for blanks, IP addresses and hosts
    without a known public suffix. Uses the bundled public-suffix list only.
    """
    return _factorized(hosts_or_urls, _registered_kernel)


def _free_mask(arr: pa.Array) -> pa.Array:
    """True where the registered domain is a free-mail provider's (null -> False)."""
    label = pc.replace_substring_regex(arr, r"\..*$", "")
    free = pc.or_(pc.is_in(arr, value_set=_FREE_ARR), pc.is_in(label, value_set=_FREE_BRANDS_ARR))
    return pc.fill_null(free, False)


def _is_free(domains: pd.Series) -> pd.Series:
    """``domains`` are registered domains (or NA)."""
    arr, series = _arrow(domains)
    return pd.Series(_free_mask(arr).to_numpy(zero_copy_only=False),
                     index=series.index, dtype=bool)


# An email whose host :func:`_host_kernel` keeps exactly as written after the "@": none
# of the characters it cuts at (or a second "@", or ":") before it, a lower-case host
# without dots at either end.
_PLAIN_EMAIL_HOST = r"^[^/?#\s,;<>\"'()\[\]:@]*@[a-z0-9](?:[a-z0-9.\-]*[a-z0-9])?$"


def email_domain(emails: Any) -> pd.Series:
    """Registered domain of each email's host; NA for free mail, blanks and non-emails."""
    series = emails if isinstance(emails, pd.Series) else pd.Series(emails, dtype="str")
    arr, series = _arrow(series)
    arr = arr.cast(pa.large_string())
    has_at = pc.fill_null(pc.match_substring(arr, "@"), False).to_numpy(zero_copy_only=False)
    plain = pc.fill_null(pc.match_substring_regex(arr, _PLAIN_EMAIL_HOST), False)
    plain = np.asarray(plain.to_numpy(zero_copy_only=False), dtype=bool)
    hosts = pa.nulls(len(arr), pa.large_string())
    if plain.any():  # the host is what follows the "@"
        picked = pc.filter(arr, pa.array(plain))
        after = pc.list_element(pc.split_pattern(picked, "@", max_splits=1), 1)
        hosts = pc.replace_with_mask(hosts, pa.array(plain), after)
    other = np.asarray(has_at, dtype=bool) & ~plain
    if other.any():
        picked = _host_kernel(pc.filter(arr, pa.array(other)))
        hosts = pc.replace_with_mask(hosts, pa.array(other), picked.cast(pa.large_string()))
    # The suffix lookup once per distinct host.
    enc = pc.dictionary_encode(hosts)
    dom = _registered_hosts(enc.dictionary)
    dom = pc.if_else(pc.fill_null(pc.equal(dom, ""), False), pa.scalar(None, dom.type), dom)
    dom = pc.if_else(_free_mask(dom), pa.scalar(None, dom.type), dom)
    out = pc.take(dom, enc.indices)
    return pd.Series(out, index=series.index, dtype="str", name=series.name)


def is_free_mail(domains: Any) -> pd.Series:
    """True where the domain (or email, or URL) belongs to a free-mail provider."""
    dom = registered_domain(domains)
    return _is_free(dom)
