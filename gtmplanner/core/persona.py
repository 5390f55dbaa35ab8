"""Job titles -> persona: seniority, department and budget control.

Titles arrive in every spelling a roster can hold ("VP, Mktg", "Sr. Dir. Demand
Gen", "Leiter Marketing", "Directrice commerciale", "Jefe de Marketing").  We
normalise each *distinct* title once (lower case, accents folded, punctuation
to spaces, common abbreviations expanded), classify the distinct normalised
titles with vectorised regular expressions (first matching rule wins), and
broadcast the answers back to every row.  A roster of 200,000 people usually
holds a few thousand distinct titles, so the cost is in those, not the rows.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

SENIORITY_LEVELS: tuple[str, ...] = (
    "c_level",
    "vp",
    "head",
    "director",
    "manager",
    "senior_ic",
    "ic",
    "intern",
)
"""Seniority values, most senior first (a missing title gives NA)."""

DEPARTMENTS: tuple[str, ...] = (
    "marketing",
    "sales",
    "revops",
    "operations",
    "it",
    "engineering",
    "finance",
    "hr",
    "executive",
    "customer_success",
    "product",
    "other",
)
"""Department values (a missing title gives NA, an unrecognised one ``other``)."""

BUDGET_LEVELS: frozenset[str] = frozenset({"c_level", "vp", "head", "director"})
"""Seniority levels that normally control a budget."""

SENIORITY_LABELS: dict[str, str] = {
    "c_level": "C-level",
    "vp": "VP-level",
    "head": "Head-level",
    "director": "Director-level",
    "manager": "Manager-level",
    "senior_ic": "Senior IC",
    "ic": "IC",
    "intern": "Intern/student",
}
"""How a seniority value reads in a sentence ("+15 VP-level marketing persona")."""

# Abbreviations expanded on whole words after normalisation.
_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"\b(?:s|e|a|sen|exec)?vp\b", "vice president"),
    (r"\bsr\b", "senior"),
    (r"\bsnr\b", "senior"),
    (r"\bjr\b", "junior"),
    (r"\bdir\b", "director"),
    (r"\bmgr\b", "manager"),
    (r"\bmng\b", "manager"),
    (r"\bmktg\b", "marketing"),
    (r"\bmkt\b", "marketing"),
    (r"\bgen\b", "generation"),
    (r"\bops\b", "operations"),
    (r"\bexec\b", "executive"),
    (r"\bbiz\b", "business"),
    (r"\bdev\b", "development"),
    (r"\bco founder\b", "cofounder"),
)
_ABBREVIATION_RES = [(re.compile(p), r) for p, r in _ABBREVIATIONS]

# Ordered: the first rule that matches a normalised title decides.
_SENIORITY_RULES: tuple[tuple[str, str], ...] = (
    (
        "intern",
        r"\binterns?\b|\binternship|\btrainee|praktikant|stagiaire|\bbecari[oa]\b"
        r"|werkstudent|working student|\bapprenti|\bazubi\b|auszubildende|\bstudent\b",
    ),
    (
        "ic",  # assistants to an executive are not the executive
        r"\b(?:executive|personal) assistant\b|\bassistant to\b|\bassistent(?:in)?\b"
        r"|\bassistante\b|\basistente\b",
    ),
    (
        "c_level",
        r"\bchief\b.*\bofficer\b|\bc[a-z]o\b|\bciso\b|\bchro\b|\bcofounder\b|\bfounder\b"
        r"|\bfondat|\bfundador|(?<!product )(?<!process )(?<!account )\bowner\b"
        r"|(?<!vice )\bpresidente?\b|\bpdg\b"
        r"|\bdg\b|managing director|gesch(?:a|ae)ftsf(?:u|ue)hrer|\bvorstand|\binhaber"
        r"|directeur general|directrice generale|director general|directora general"
        r"|gerente general|consejero delegado|\bpropietari[oa]\b|\bchairman\b|\bchairwoman\b",
    ),
    (
        "vp",
        r"\bvice president|\bvizeprasident|\bvicepresident|\bvice presidente"
        r"|\bgeneral manager\b",
    ),
    ("manager", r"\bteam lead(?:er)?\b|teamleiter|gruppenleiter|chef d equipe"),
    (
        "head",
        r"\bhead\b|leiter(?:in)?\b|\bjef[ea]\b|\bresponsable\b|\bbereichsleit",
    ),
    (
        "director",
        r"\bdirect(?:or|ora|eur|rice)\b|\bdirektor(?:in)?\b|\bdiretor(?:a)?\b",
    ),
    (
        "manager",
        r"\bmanager(?:in)?\b|\bgerente\b|\bsupervisor\b|\bsuperviseur\b|\bencargad[oa]\b"
        r"|\bchef\b|\bforeman\b",
    ),
    ("senior_ic", r"\bsenior\b|\bprincipal\b|\bstaff\b|\blead\b|\bexpert\b"),
)

_DEPARTMENT_RULES: tuple[tuple[str, str], ...] = (
    (
        "revops",
        r"revenue operations|\brevops\b|rev operations|sales operations|gtm operations"
        r"|go to market operations|sales enablement|\bcrm\b|vertriebssteuerung",
    ),
    (
        "customer_success",
        r"customer success|client success|customer experience|customer service"
        r"|\bsupport\b|kundenservice|kundenbetreuung|service client|atencion al cliente"
        r"|\bonboarding\b",
    ),
    (
        "marketing",
        r"marketing|\bcmo\b|demand gen|\bgrowth\b|\bbrand|communications?\b|\bcomms\b"
        r"|\bpr\b|public relations|\bevents?\b|\bcontent\b|mercadotecnia|mercadeo"
        r"|comunicacion|kommunikation|\bseo\b|\bdigital\b|social media|\bcampaigns?\b",
    ),
    (
        "sales",
        r"\bsales\b|vertrieb|verkauf|commercial|comercial|\bventas\b|\bventes\b"
        r"|account executive|account manag|business development|\bbdr\b|\bsdr\b"
        r"|\bcro\b|chief revenue|\brevenue\b|key account|\bpartnerships?\b|\bchannel\b",
    ),
    ("product", r"\bproduct\b|\bprodukt|\bproduit|\bproducto|\bcpo\b"),
    (
        "it",
        r"\bit\b|information technology|information systems|\bcio\b|\bciso\b"
        r"|infrastructure|sysadmin|system administrator|\bnetwork|\bsecurity\b"
        r"|help ?desk|informatique|informatica|\bsistemas\b|\bedv\b|\bdsi\b",
    ),
    (
        "engineering",
        r"engineer|developer|\bcto\b|software|devops|architect|ingenieur|ingeniero"
        r"|entwickl|\bqa\b|data scien|technology",
    ),
    (
        "finance",
        r"financ|\bcfo\b|controller|controlling|accounting|accountant|treasur|\btax\b"
        r"|buchhalt|comptab|contab|\baudit",
    ),
    (
        "hr",
        r"\bhr\b|human resources|\bpeople\b|\btalent\b|recruit|personalleit|personalwesen"
        r"|personalabteilung|\brrhh\b|recursos humanos|ressources humaines|\bchro\b",
    ),
    (
        "operations",
        r"operations|operating|\bcoo\b|logistic|supply chain|procurement|purchasing"
        r"|einkauf|\bachats\b|\bcompras\b|facilit",
    ),
    (
        "executive",
        r"\bceo\b|chief executive|founder|fundador|fondat|\bowner\b|(?<!vice )\bpresident"
        r"|managing director"
        r"|gesch(?:a|ae)ftsf(?:u|ue)hrer|\bpdg\b|directeur general|directrice generale"
        r"|director general|directora general|gerente general|general manager|chairman"
        r"|chairwoman|\bboard\b|vorstand|inhaber|consejero delegado|\bdg\b|\bpartner\b",
    ),
)

_BUDGET_RE = r"(?<!product )(?<!process )(?<!account )\bowner\b|\bfounder\b|\bcofounder\b|\binhaber|\bfundador|\bfondat"


def normalise_title(title: str) -> str:
    """Lower-case, fold accents, turn punctuation into spaces, expand abbreviations.

    >>> normalise_title("Sr. Dir. Demand Gen")
    'senior director demand generation'
    """
    text = unicodedata.normalize("NFKD", str(title).replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"\b(?:[a-z]\.){2,}", lambda m: m.group(0).replace(".", ""), text)  # V.P.
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    for pattern, replacement in _ABBREVIATION_RES:
        text = pattern.sub(replacement, text)
    return text


def _first_match(texts: pd.Series, rules: tuple[tuple[str, str], ...]) -> np.ndarray:
    """Label of the first rule whose regex matches each text (None when none does)."""
    conditions = [texts.str.contains(pattern, regex=True).to_numpy(bool) for _, pattern in rules]
    labels = np.array([label for label, _ in rules] + [None], dtype=object)
    if not conditions:
        return np.full(len(texts), None, dtype=object)
    choice = np.select(conditions, np.arange(len(rules)), default=len(rules))
    return labels[choice]


def classify_titles(titles: pd.Series) -> pd.DataFrame:
    """Classify job titles into seniority, department and budget control.

    Returns a frame with the same index as ``titles`` and columns ``seniority``
    (one of :data:`SENIORITY_LEVELS` or NA), ``department`` (one of
    :data:`DEPARTMENTS`, NA for a missing title) and ``budget_holder`` (bool:
    C-level, VP, head or director, or an owner/founder).
    """
    titles = pd.Series(titles)
    codes, uniques = pd.factorize(titles, use_na_sentinel=True)
    raw = pd.Series(uniques, dtype=object).astype(str)
    normalised_unique = raw.map(normalise_title)
    # Several raw spellings collapse onto one normalised title: classify those once.
    norm_codes, norm_uniques = pd.factorize(normalised_unique)
    texts = pd.Series(norm_uniques, dtype=object).astype(str)
    nonempty = (texts.str.len() > 0).to_numpy(bool)

    seniority = _first_match(texts, _SENIORITY_RULES)
    seniority = np.where(nonempty & (seniority == None), "ic", seniority)  # noqa: E711
    department = _first_match(texts, _DEPARTMENT_RULES)
    department = np.where(nonempty & (department == None), "other", department)  # noqa: E711
    seniority = np.where(nonempty, seniority, None)
    department = np.where(nonempty, department, None)
    budget = np.isin(seniority.astype(str), list(BUDGET_LEVELS)) | texts.str.contains(
        _BUDGET_RE, regex=True
    ).to_numpy(bool)

    per_unique = norm_codes  # raw unique -> normalised unique
    idx = np.where(codes >= 0, per_unique[np.maximum(codes, 0)], -1)
    valid = idx >= 0
    safe = np.maximum(idx, 0)
    sen_rows = np.where(valid, seniority[safe] if len(seniority) else None, None)
    dep_rows = np.where(valid, department[safe] if len(department) else None, None)
    bud_rows = np.where(valid, budget[safe] if len(budget) else False, False)
    return pd.DataFrame(
        {
            "seniority": pd.array(sen_rows, dtype="str"),
            "department": pd.array(dep_rows, dtype="str"),
            "budget_holder": bud_rows.astype(bool),
        },
        index=titles.index,
    )
