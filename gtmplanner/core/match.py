"""Match people to accounts, and opportunities to accounts and people.

This is what lets a roster meet the CRM. For each person, in order:

1. **domain** (confidence 1.0): the registered domain of the work email
   (never a free-mail domain; subdomains roll up) equals an account's domain,
   taken from its ``domain`` or ``website`` column. When several accounts
   share the domain, the company name must single one out.
2. **name** (0.95; 0.85 when the person's own work domain differs from the
   account's): the normalised company key (:func:`companies.company_key`)
   equals exactly one account's key. Several accounts with the same key are
   *ambiguous* and left for review.
3. **fuzzy** (score/100 x 0.9), only for the people still unmatched: account
   candidates are found by *blocking* (shared rare words, one-typo deletion
   neighbours of words, the name without spaces, or the person's name being
   the distinctive start of one account's name), never all pairs; the
   candidate pairs are scored with rapidfuzz ``process.cpdist`` (the better of
   ``ratio`` and ``token_sort_ratio``). A link needs the score over the threshold, a
   margin over the runner-up, a word-level guard (no extra or different
   words, numbers equal) and no conflicting work domain. Near misses are
   listed as candidates for review instead.

User overrides are applied last and always win.

Precision comes first: a wrong link puts a rep in front of the wrong
account, a missing one only costs a manual link.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel

from gtmplanner.core import companies
from gtmplanner.core.errors import GtmError

__all__ = [
    "MatchCancelled",
    "match_people_to_accounts",
    "match_opportunities",
    "match_stats",
]

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]

NAME_CONFIDENCE = 0.95
NAME_CONFLICT_CONFIDENCE = 0.85
FUZZY_SCALE = 0.9
PREFIX_SCORE = 91.0          # "Northwind" -> the one account called "Northwind Logistics"
MARGIN = 3.0                 # points the best fuzzy candidate must lead the runner-up by
REVIEW_BELOW = 10.0          # candidates this far below the threshold are still listed
GUARD_SIMILARITY = 0.85      # the words that differ must be this similar (typos only)
BLOCK_CAP = 100              # a word shared by more accounts than this does not block
MAX_CANDIDATES = 5

PLATFORM_DOMAINS = frozenset({
    "linkedin.com", "facebook.com", "twitter.com", "x.com", "instagram.com", "youtube.com",
    "crunchbase.com", "wikipedia.org", "bloomberg.com", "zoominfo.com", "glassdoor.com",
    "yelp.com", "medium.com", "angel.co", "wixsite.com", "squarespace.com", "business.site",
    "godaddysites.com", "github.io"})
"""Sites an account's "website" sometimes points at that are not the company's own."""

GENERIC_WORDS = frozenset("""
united american america national international global first general great new north south
east west northern southern eastern western central pacific atlantic metro city state royal
standard premier advanced applied integrated digital smart blue green red black white gold
golden silver star sun alpha omega summit pinnacle prime core elite allied universal
continental capital consolidated federal liberty heritage pioneer frontier superior precision
modern total peak vertex apex delta sigma nova true next clear quantum dynamic creative
strategic innovative professional technical medical financial health bank group systems
solutions services software data technologies media energy power home life world euro asia
canada london paris berlin texas california florida york china japan india mid best one
premium quality express direct smart open bright plus pro max net web cloud cyber info
""".split())
"""First words too common to identify a company when the rest of its name is dropped."""
_GENERIC_ARR = pa.array(sorted(GENERIC_WORDS), type=pa.large_string())


class MatchCancelled(GtmError):
    """The user cancelled matching; nothing was changed."""


def _noop(_f: float, _m: str) -> None:
    return None


def _never() -> bool:
    return False


def _text(df: pd.DataFrame, col: str) -> pd.Series:
    """Column ``col`` of ``df`` as str (all NA when it is missing)."""
    if col in df.columns:
        return df[col].astype("str")
    return pd.Series(np.nan, index=df.index, dtype="str")


def _arr(values: pd.Series | pa.Array) -> pa.Array:
    """A Series of str or a pyarrow array as one large_string array."""
    arr = values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(
        values.astype("str"))
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.large_string())


def _encode(left: pd.Series | pa.Array, right: pd.Series | pa.Array
            ) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """Shared integer codes for two sets of string keys (-1 for NA), and the dictionary."""
    la, ra = _arr(left), _arr(right)
    enc = pc.dictionary_encode(pa.concat_arrays([la, ra]))
    codes = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes[:len(la)], codes[len(la):], enc.dictionary


def _codes(left: pd.Series | pa.Array, right: pd.Series | pa.Array
           ) -> tuple[np.ndarray, np.ndarray]:
    """Shared integer codes for two sets of string keys (-1 for NA)."""
    lc, rc, _ = _encode(left, right)
    return lc, rc


def _pairs_on(left: pd.Series, right: pd.Series) -> pd.DataFrame:
    """Positional (p, a) pairs whose keys are equal (equi-join, NA never joins)."""
    lc, rc = _codes(left, right)
    lf = pd.DataFrame({"k": lc, "p": np.arange(len(lc))})
    rf = pd.DataFrame({"k": rc, "a": np.arange(len(rc))})
    out = lf[lf.k >= 0].merge(rf[rf.k >= 0], on="k")
    return out[["p", "a"]].reset_index(drop=True)


def _drop_pairs(pairs: pd.DataFrame, forbidden: np.ndarray, m: int) -> pd.DataFrame:
    """Remove forbidden (p, a) pairs, given as codes ``p * m + a``."""
    if not len(forbidden) or not len(pairs):
        return pairs
    code = pairs["p"].to_numpy(np.int64) * m + pairs["a"].to_numpy(np.int64)
    return pairs[~np.isin(code, forbidden)].reset_index(drop=True)


class _Result:
    """Positional result arrays under construction."""

    def __init__(self, n: int) -> None:
        self.acc = np.full(n, -1, dtype=np.int64)
        self.method = np.full(n, None, dtype=object)
        self.conf = np.full(n, np.nan)
        self.cands: dict[int, list[tuple[int, float]]] = {}

    def link(self, p: np.ndarray, a: np.ndarray, method: str, conf: Any) -> None:
        self.acc[p] = a
        self.method[p] = method
        self.conf[p] = conf
        for i in np.asarray(p).tolist():
            self.cands.pop(i, None)

    def review(self, pairs: pd.DataFrame, score: Any = 100.0) -> None:
        """List (p, a[, score]) pairs as candidates for review (people left unlinked)."""
        if not len(pairs):
            return
        scores = pairs["score"] if "score" in pairs else pd.Series(score, index=pairs.index)
        df = pd.DataFrame({"p": pairs["p"].to_numpy(), "a": pairs["a"].to_numpy(),
                           "s": scores.to_numpy(dtype=float)})
        df = df.sort_values(["p", "s", "a"], ascending=[True, False, True], kind="stable")
        df = df[df.groupby("p").cumcount() < MAX_CANDIDATES]
        for p, a, s in zip(df.p.tolist(), df.a.tolist(), df.s.tolist(), strict=True):
            self.cands.setdefault(p, []).append((a, s))


def _resolve_exact(res: _Result, todo: np.ndarray, first: pd.DataFrame, first_method: str,
                   second: pd.DataFrame, n: int) -> np.ndarray:
    """Link people with exactly one ``first`` pair; use ``second`` to break ties.

    Returns the mask of people that ``first`` settled (linked or listed as ambiguous).
    """
    first = first[todo[first["p"].to_numpy()]]
    count = np.bincount(first["p"].to_numpy(), minlength=n)
    one = first[count[first["p"].to_numpy()] == 1]
    res.link(one["p"].to_numpy(), one["a"].to_numpy(), first_method, 1.0)
    many = first[count[first["p"].to_numpy()] > 1]
    if len(many):
        both = many.merge(second, on=["p", "a"])
        bcount = np.bincount(both["p"].to_numpy(), minlength=n)
        win = both[bcount[both["p"].to_numpy()] == 1]
        res.link(win["p"].to_numpy(), win["a"].to_numpy(), first_method, 1.0)
        still = many[bcount[many["p"].to_numpy()] != 1]
        narrowed = both[bcount[both["p"].to_numpy()] > 1]
        res.review(pd.concat([narrowed, still[~still["p"].isin(narrowed["p"])]]))
    return count > 0


# --------------------------------------------------------------------------- fuzzy blocking


def _explode(keys: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(row index, word) for every word of every key."""
    lists = pc.utf8_split_whitespace(keys)
    parents = pc.list_parent_indices(lists).to_numpy()
    return parents, pc.list_flatten(lists)


def _deletions(words: pa.Array, min_len: int = 5) -> tuple[np.ndarray, pa.Array]:
    """(word index, variant): each word itself and, if long enough, each one-letter deletion.

    Two words within one edit (substitution, insertion, deletion, transposition)
    share at least one variant, so an equi-join on variants finds typo neighbours
    without comparing all pairs (symmetric-delete blocking).
    """
    lengths = pc.utf8_length(words).to_numpy(zero_copy_only=False)
    idx = [np.arange(len(words))]
    out = [words]
    longest = int(lengths.max()) if len(lengths) else 0
    for i in range(longest):
        sel = np.flatnonzero((lengths >= min_len) & (lengths > i))
        if not len(sel):
            continue
        sub = words.take(pa.array(sel))
        var = pc.binary_join_element_wise(pc.utf8_slice_codeunits(sub, 0, i),
                                          pc.utf8_slice_codeunits(sub, i + 1),
                                          pa.scalar("", sub.type))
        idx.append(sel)
        out.append(var)
    return np.concatenate(idx), pa.concat_arrays([a.cast(pa.large_string()) for a in out])


def _block(q_keys: pa.Array, a_keys: pa.Array) -> pd.DataFrame:
    """Candidate (q, k) pairs of query keys and account keys that share a blocking key.

    Blocking keys are the words of a name (plus the whole name without spaces,
    so "LumenRidge" meets "Lumen Ridge"); two words block together when they
    are equal or one edit apart. Words in more than ``BLOCK_CAP`` account names
    ("systems", "group") do not block.
    """
    q_keys, a_keys = _arr(q_keys), _arr(a_keys)
    q_row, q_word = _explode(q_keys)
    a_row, a_word = _explode(a_keys)
    q_is_word = np.r_[np.ones(len(q_row), bool), np.zeros(len(q_keys), bool)]
    a_is_word = np.r_[np.ones(len(a_row), bool), np.zeros(len(a_keys), bool)]
    q_row = np.concatenate([q_row, np.arange(len(q_keys))])
    a_row = np.concatenate([a_row, np.arange(len(a_keys))])
    q_word = pa.concat_arrays([_arr(q_word), pc.replace_substring(q_keys, " ", "")])
    a_word = pa.concat_arrays([_arr(a_word), pc.replace_substring(a_keys, " ", "")])
    wq, wa, vocab = _encode(q_word, a_word)
    a_words = pd.DataFrame({"a": a_row, "w": wa, "word": a_is_word}).drop_duplicates(["a", "w"])
    df = np.bincount(a_words["w"].to_numpy(), minlength=len(vocab))
    a_words = a_words[df[a_words["w"].to_numpy()] <= BLOCK_CAP]
    q_words = pd.DataFrame({"q": q_row, "w": wq, "word": q_is_word}).drop_duplicates(["q", "w"])
    # One-edit neighbours between the two word vocabularies (symmetric deletes); the
    # spaceless whole names only meet exactly.
    qv = np.unique(q_words.loc[q_words["word"], "w"].to_numpy())
    av = np.unique(a_words.loc[a_words["word"], "w"].to_numpy())
    qi, qvar = _deletions(vocab.take(pa.array(qv, pa.int64())))
    ai, avar = _deletions(vocab.take(pa.array(av, pa.int64())))
    vq, va = _codes(qvar, avar)
    whole = np.unique(q_words["w"].to_numpy())
    links = pd.concat([
        pd.DataFrame({"v": vq, "qw": qv[qi]}).merge(pd.DataFrame({"v": va, "aw": av[ai]}),
                                                    on="v")[["qw", "aw"]],
        pd.DataFrame({"qw": whole, "aw": whole}),
    ]).drop_duplicates()
    pairs = (q_words.merge(links, left_on="w", right_on="qw")[["q", "aw"]]
             .merge(a_words, left_on="aw", right_on="w")[["q", "a"]].drop_duplicates())
    return pairs.rename(columns={"a": "k"}).reset_index(drop=True)


def _prefix_pairs(q_keys: pd.Series, q_formal: np.ndarray, a_keys: pd.Series) -> pd.DataFrame:
    """(q, k) where the query is the distinctive start of an account key ("northwind")."""
    a = _arr(a_keys)
    heads, rows = [], []
    for n_words in (1, 2, 3):
        pattern = rf"^((?:\S+ ){{{n_words - 1}}}\S+) .*$"
        head = pc.replace_substring_regex(a, pattern, r"\1")
        has = pc.not_equal(head, a).to_numpy(zero_copy_only=False)
        heads.append(head.filter(pa.array(has)))
        rows.append(np.flatnonzero(has))
    q = _arr(q_keys)
    first = pc.replace_substring_regex(q, r" .*$", "")
    single = pc.invert(pc.match_substring(q, " ")).to_numpy(zero_copy_only=False)
    generic = pc.is_in(first, value_set=_GENERIC_ARR).to_numpy(zero_copy_only=False)
    long_enough = (pc.utf8_length(q).to_numpy(zero_copy_only=False) >= 4)
    ok = ~q_formal & long_enough & ~(single & generic)
    qc, hc = _codes(q, pa.concat_arrays(heads))
    left = pd.DataFrame({"c": qc, "q": np.arange(len(qc))})[ok & (qc >= 0)]
    right = pd.DataFrame({"c": hc, "k": np.concatenate(rows)})
    return left.merge(right, on="c")[["q", "k"]]


def _guard(q: str, a: str) -> bool:
    """Word-level check that two keys differ only by typos or word order / spacing."""
    qw, aw = q.split(), a.split()
    qs, as_ = set(qw), set(aw)
    rq = [w for w in qw if w not in as_]
    ra = [w for w in aw if w not in qs]
    if not rq and not ra:
        return True
    if not rq or not ra:
        return False  # one name has words the other lacks: "Acme Health" is not "Acme"
    if any(c.isdigit() for w in rq + ra for c in w):
        return False  # "Region 1" is not "Region 2"
    x, y = "".join(rq), "".join(ra)
    if x[0] != y[0]:
        return False  # slips rarely hit the first letter: "Halgate" is not "Valgate"
    if Indel.normalized_similarity(x, y) >= GUARD_SIMILARITY:
        return True
    # Words of 5+ letters may carry one slip (two from ten letters on):
    # "Aerospcae" is "Aerospace", "Enregy" is "Energy".
    longest = max(len(x), len(y))
    allowed = 2 if longest >= 10 else 1 if longest >= 5 else 0
    return OSA.distance(x, y, score_cutoff=allowed) <= allowed


def _fuzzy(res: _Result, todo: np.ndarray, p_key: pd.Series, p_raw: pd.Series,
           p_dom: pd.Series, acc: dict[str, Any], forbidden: np.ndarray,
           threshold: float) -> None:
    """Fuzzy step for the people in ``todo`` (boolean mask) that have a company key.

    ``p_raw`` are the company names as written (a legal form there means the
    name is complete, so it is never taken as a shortened one).
    """
    m = len(acc["key"])
    todo = todo & p_key.notna().to_numpy()
    if not todo.any() or not m:
        return
    people = np.flatnonzero(todo)
    q_codes, q_uniq = pd.factorize(p_key.iloc[people])
    k_codes, k_uniq = pd.factorize(acc["key"])
    if not len(k_uniq):
        return
    q_uniq = pd.Series(np.asarray(q_uniq, dtype=object), dtype="str")
    k_uniq = pd.Series(np.asarray(k_uniq, dtype=object), dtype="str")
    p_formal = companies.has_legal_suffix(p_raw.iloc[people]).to_numpy()
    formal = pd.Series(p_formal).groupby(q_codes).any().to_numpy()
    cand = pd.concat([
        _block(pa.array(q_uniq), pa.array(k_uniq)).assign(prefix=False),
        _prefix_pairs(q_uniq, formal, k_uniq).assign(prefix=True),
    ], ignore_index=True)
    cand = cand.groupby(["q", "k"], as_index=False)["prefix"].any()
    if not len(cand):
        return
    qs, ks = q_uniq.to_numpy()[cand.q.to_numpy()], k_uniq.to_numpy()[cand.k.to_numpy()]
    # ratio as written and with words sorted: a typo can move a word in the sorted order.
    ql, kl = qs.tolist(), ks.tolist()
    score = np.maximum(
        process.cpdist(ql, kl, scorer=fuzz.token_sort_ratio, workers=-1, dtype=np.float32),
        process.cpdist(ql, kl, scorer=fuzz.ratio, workers=-1, dtype=np.float32)).astype(float)
    score = np.where(cand.prefix.to_numpy(), np.maximum(score, PREFIX_SCORE), score)
    floor = threshold - REVIEW_BELOW
    keep = score >= floor
    cand, qs, ks, score = cand[keep], qs[keep], ks[keep], score[keep]
    guard = np.fromiter((pre or _guard(q, k) for q, k, pre
                         in zip(qs, ks, cand.prefix.to_numpy(), strict=True)),
                        dtype=bool, count=len(qs))
    kp = pd.DataFrame({"q": cand.q.to_numpy(), "k": cand.k.to_numpy(), "score": score,
                       "guard": guard})
    # Key pairs -> (person, account) pairs.
    kp = kp.merge(pd.DataFrame({"k": k_codes, "a": np.arange(m)}), on="k")
    kp = kp.merge(pd.DataFrame({"q": q_codes, "p": people}), on="q")[
        ["p", "a", "score", "guard"]]
    kp = _drop_pairs(kp, forbidden, m)
    if not len(kp):
        return
    pd_ = p_dom.to_numpy(dtype=object)[kp.p.to_numpy()]
    ad_ = acc["dom"].to_numpy(dtype=object)[kp.a.to_numpy()]
    kp["conflict"] = pd.notna(pd_) & pd.notna(ad_) & (pd_ != ad_)
    kp = kp.sort_values(["p", "score", "a"], ascending=[True, False, True], kind="stable")
    rank = kp.groupby("p").cumcount().to_numpy()
    best = kp[rank == 0].set_index("p")
    runner = kp[rank == 1].set_index("p")["score"].reindex(best.index)
    accept = ((best.score >= threshold) & best.guard & ~best.conflict
              & (runner.isna() | (best.score - runner >= MARGIN)))
    won = best[accept.to_numpy()]
    res.link(won.index.to_numpy(), won.a.to_numpy(), "fuzzy",
             (won.score.to_numpy() / 100.0 * FUZZY_SCALE).round(4))
    res.review(kp[~kp.p.isin(won.index)])


# --------------------------------------------------------------------------- public API


def _prepare_accounts(accounts: pd.DataFrame) -> dict[str, Any]:
    """Keys and domains of the accounts (positional)."""
    key = companies.company_key(_text(accounts, "name"))
    dom = companies.registered_domain(_text(accounts, "domain"))
    web = companies.registered_domain(_text(accounts, "website").where(dom.isna()))
    label = web.str.replace(r"\..*$", "", regex=True)
    own = (label == key.str.replace(" ", "", regex=False)).fillna(False).astype(bool)
    web = web.mask(web.isin(PLATFORM_DOMAINS) & ~own)
    dom = dom.fillna(web)
    dom = dom.mask(companies._is_free(dom))
    return {"key": key.reset_index(drop=True), "dom": dom.reset_index(drop=True),
            "name": _text(accounts, "name").to_numpy(dtype=object), "ids": accounts.index}


def _people_domains(people: pd.DataFrame, email_col: str, domain_col: str | None) -> pd.Series:
    dom = companies.email_domain(_text(people, email_col))
    if domain_col and domain_col in people.columns:
        extra = companies.registered_domain(_text(people, domain_col))
        dom = dom.fillna(extra.mask(companies._is_free(extra)))
    return dom.reset_index(drop=True)


def _match(people: pd.DataFrame, accounts: pd.DataFrame, *, email_col: str, company_col: str,
           domain_col: str | None, name_first: bool, forbidden_pairs: pd.DataFrame | None,
           threshold: float, progress: Progress, cancelled: Cancelled
           ) -> tuple[_Result, dict[str, Any], pd.Series]:
    """The shared engine (positional). ``forbidden_pairs`` has columns p, a."""
    n, m = len(people), len(accounts)
    res = _Result(n)
    progress(0.05, "normalising company names and domains")
    acc = _prepare_accounts(accounts)
    p_dom = _people_domains(people, email_col, domain_col)
    p_key = companies.company_key(_text(people, company_col)).reset_index(drop=True)
    if cancelled():
        raise MatchCancelled("matching cancelled; nothing was changed")
    forbidden = np.empty(0, dtype=np.int64)
    if forbidden_pairs is not None and len(forbidden_pairs):
        forbidden = (forbidden_pairs["p"].to_numpy(np.int64) * m
                     + forbidden_pairs["a"].to_numpy(np.int64))
    progress(0.35, "matching by domain and name")
    by_dom = _drop_pairs(_pairs_on(p_dom, acc["dom"]), forbidden, m)
    by_key = _drop_pairs(_pairs_on(p_key, acc["key"]), forbidden, m)
    todo = np.ones(n, dtype=bool)
    steps = [(by_key, "name", by_dom), (by_dom, "domain", by_key)]
    for first, method, second in (steps if name_first else steps[::-1]):
        settled = _resolve_exact(res, todo, first, method, second, n)
        todo &= ~settled
    named = np.flatnonzero(res.method == "name")
    if len(named):
        pd_ = p_dom.to_numpy(dtype=object)[named]
        ad_ = acc["dom"].to_numpy(dtype=object)[res.acc[named]]
        conflict = pd.notna(pd_) & pd.notna(ad_) & (pd_ != ad_)
        res.conf[named] = np.where(conflict, NAME_CONFLICT_CONFIDENCE, NAME_CONFIDENCE)
    if cancelled():
        raise MatchCancelled("matching cancelled; nothing was changed")
    progress(0.55, f"fuzzy matching {int((todo & p_key.notna().to_numpy()).sum()):,} names")
    raw = _text(people, company_col).reset_index(drop=True)
    _fuzzy(res, todo, p_key, raw, p_dom, acc, forbidden, threshold)
    if cancelled():
        raise MatchCancelled("matching cancelled; nothing was changed")
    return res, acc, p_key


def _candidates_json(res: _Result, acc: dict[str, Any], n: int) -> np.ndarray:
    """JSON ``[[account_id, name, score], ...]`` for unlinked people with candidates."""
    out = np.full(n, None, dtype=object)
    ids, names = np.asarray(acc["ids"]).tolist(), acc["name"]
    for p, cands in res.cands.items():
        if res.acc[p] < 0 and cands:
            out[p] = json.dumps([[ids[a], None if pd.isna(names[a]) else str(names[a]),
                                  round(float(s), 1)] for a, s in cands], ensure_ascii=False)
    return out


def _account_ids(acc: dict[str, Any], pos: np.ndarray) -> pd.array:
    ids = pd.array(np.asarray(acc["ids"]), dtype="Int64")
    if not len(ids):
        return pd.array(np.full(len(pos), None, dtype=object), dtype="Int64")
    vals = ids[np.maximum(pos, 0)].copy()
    vals[pos < 0] = pd.NA
    return vals


def match_people_to_accounts(people: pd.DataFrame, accounts: pd.DataFrame, *,
                             overrides: pd.DataFrame | None = None,
                             fuzzy_threshold: float = 90.0,
                             progress: Progress = _noop,
                             cancelled: Cancelled = _never) -> pd.DataFrame:
    """Link each person to at most one account.

    ``people`` is indexed by person id with ``email`` and ``company`` (raw)
    columns (an optional ``domain`` column is used when the email says
    nothing). ``accounts`` is indexed by integer account id with ``name``,
    ``domain`` and ``website``. ``overrides`` (columns ``person_id``,
    ``action`` in {confirm, reject, link}, ``account_id``) are the user's
    decisions: a *reject* forbids that pair (matching falls through to the
    next candidate or to none), a *link* sets the account (method
    ``override``, confidence 1.0), a *confirm* keeps the pair at confidence
    1.0. The last link/confirm for a person wins.

    Returns a frame indexed like ``people``: ``account_id`` (Int64),
    ``match_method`` ('override' | 'domain' | 'name' | 'fuzzy' | NA),
    ``match_confidence`` (0..1, NaN when unlinked) and ``match_candidates``
    (JSON ``[[account_id, name, score], ...]`` for people left unlinked
    because the choice was ambiguous or close; NA otherwise).
    """
    n = len(people)
    forbidden, decisions = _read_overrides(overrides, people.index, accounts.index)
    res, acc, _ = _match(people, accounts, email_col="email", company_col="company",
                         domain_col="domain", name_first=False, forbidden_pairs=forbidden,
                         threshold=float(fuzzy_threshold), progress=progress,
                         cancelled=cancelled)
    progress(0.9, "applying your decisions")
    for p, action, a in decisions:
        if action == "confirm" and res.acc[p] == a:
            res.conf[p] = 1.0
        else:
            res.link(np.array([p]), np.array([a]), "override", 1.0)
    out = pd.DataFrame({
        "account_id": _account_ids(acc, res.acc),
        "match_method": pd.Series(res.method, dtype="str"),
        "match_confidence": res.conf,
        "match_candidates": pd.Series(_candidates_json(res, acc, n), dtype="str"),
    })
    out.index = people.index
    progress(1.0, "done")
    return out


def _read_overrides(overrides: pd.DataFrame | None, people_ids: pd.Index,
                    account_ids: pd.Index) -> tuple[pd.DataFrame, list[tuple[int, str, int]]]:
    """Rejected (p, a) pairs and the ordered link/confirm decisions, positionally."""
    empty = pd.DataFrame({"p": np.empty(0, np.int64), "a": np.empty(0, np.int64)})
    if overrides is None or not len(overrides):
        return empty, []
    ov = overrides.reset_index(drop=True)
    p = people_ids.get_indexer(pd.to_numeric(ov["person_id"], errors="coerce"))
    a = account_ids.get_indexer(pd.to_numeric(ov["account_id"], errors="coerce"))
    action = ov["action"].astype("str").str.strip().str.lower().to_numpy(dtype=object)
    ok = (p >= 0) & (a >= 0)
    rej = ok & (action == "reject")
    forbidden = pd.DataFrame({"p": p[rej].astype(np.int64), "a": a[rej].astype(np.int64)})
    last: dict[int, tuple[str, int]] = {}
    for pi, act, ai, good in zip(p.tolist(), action.tolist(), a.tolist(), ok.tolist(),
                                 strict=True):
        if good and act in ("link", "confirm"):
            last.pop(pi, None)
            last[pi] = (act, ai)
    return forbidden, [(pi, act, ai) for pi, (act, ai) in last.items()]


def match_opportunities(opps: pd.DataFrame, accounts: pd.DataFrame, people: pd.DataFrame, *,
                        fuzzy_threshold: float = 90.0) -> pd.DataFrame:
    """Link opportunities to accounts (and to the contact person).

    ``opps`` is indexed by opportunity id with ``account`` (the CRM account
    name), optional ``account_external_id`` and ``contact_email``. The CRM's
    account id wins (``external_id``, 1.0) when ``accounts`` has an
    ``external_id`` column; then the account name (``name``), then the contact's
    email domain (``domain``), then fuzzy. ``person_id`` is the person whose
    email equals the contact email (Int64, NA if none).
    """
    n = len(opps)
    res, acc, _ = _match(opps, accounts, email_col="contact_email", company_col="account",
                         domain_col=None, name_first=True, forbidden_pairs=None,
                         threshold=float(fuzzy_threshold), progress=_noop, cancelled=_never)
    if "account_external_id" in opps.columns and "external_id" in accounts.columns:
        left = _text(opps, "account_external_id").str.strip().reset_index(drop=True)
        right = _text(accounts, "external_id").str.strip().reset_index(drop=True)
        pairs = _pairs_on(left.replace("", np.nan), right.replace("", np.nan))
        count = np.bincount(pairs["p"].to_numpy(), minlength=n)
        one = pairs[count[pairs["p"].to_numpy()] == 1]
        res.link(one["p"].to_numpy(), one["a"].to_numpy(), "external_id", 1.0)
    emails = _text(opps, "contact_email").str.strip().str.lower().reset_index(drop=True)
    known = _text(people, "email").str.strip().str.lower()
    lookup = pd.Series(people.index, index=known.to_numpy())
    lookup = lookup[lookup.index.notna()].sort_values(kind="stable")
    lookup = lookup[~lookup.index.duplicated()]
    person = emails.map(lookup) if len(lookup) else pd.Series(np.nan, index=emails.index)
    out = pd.DataFrame({
        "account_id": _account_ids(acc, res.acc),
        "account_method": pd.Series(res.method, dtype="str"),
        "account_confidence": res.conf,
        "person_id": pd.array(person.to_numpy(dtype=object), dtype="Int64") if n
        else pd.array([], dtype="Int64"),
    })
    out.index = opps.index
    return out


def match_stats(result: pd.DataFrame) -> dict[str, int]:
    """Counts for a match result: total, linked, per method, ambiguous and unmatched.

    ``ambiguous`` are unlinked rows with candidates to review; ``unmatched``
    are unlinked rows without any.
    """
    method_col = "match_method" if "match_method" in result.columns else "account_method"
    linked = result["account_id"].notna()
    stats: dict[str, int] = {"total": int(len(result)), "linked": int(linked.sum())}
    counts = result[method_col].value_counts()
    for method in ("override", "external_id", "domain", "name", "fuzzy"):
        if method != "external_id" or method_col == "account_method":
            stats[method] = int(counts.get(method, 0))
    if "match_candidates" in result.columns:
        ambiguous = (~linked) & result["match_candidates"].notna()
    else:
        ambiguous = pd.Series(False, index=result.index)
    stats["ambiguous"] = int(ambiguous.sum())
    stats["unmatched"] = int(((~linked) & ~ambiguous).sum())
    return stats
