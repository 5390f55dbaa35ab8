"""The demo project: a Boston conference, its roster, accounts, deals and reps.

Seeded and reproducible. The inputs are written as the files other tools
export (an Eventbrite roster, a data-provider account list, a Salesforce
report, a marketing-automation activity log, a reps sheet) and imported through
the same pipeline a user's files go through, so the demo is also a smoke test.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

EVENT = {
    "name": "RevOps Summit Boston 2026",
    "city": "Boston", "region": "MA", "country": "US",
    "latitude": 42.3601, "longitude": -71.0589,
    "start_date": "2026-12-08", "end_date": "2026-12-09",
    "venue": "Hynes Convention Center", "booth": "412",
    "dinner_venue": "Saltie Girl, Back Bay", "happy_hour_venue": "The Lawn on D",
}
TODAY = date(2026, 11, 24)

FIRST = ["Noah", "Chloé", "Aisha", "Jordan", "Mei", "Rahul", "Sofia", "Liam", "Emma", "Diego",
         "Avery", "Priya", "Lukas", "Hannah", "Omar", "Grace", "Mateo", "Zoë", "Ethan", "Fatima",
         "Sven", "Isabel", "Kenji", "Olivia", "Marcus", "Nadia", "Tomás", "Julia", "Kwame", "Ava",
         "Daniel", "Léa", "Samuel", "Ines", "Victor", "Maya", "Arjun", "Clara", "Felix", "Ruth"]
LAST = ["Novak", "Singh", "Rossi", "Murphy", "Okafor", "Chen", "García", "Müller", "Kowalski",
        "Johnson", "Nguyen", "Patel", "O'Brien", "Silva", "Fischer", "Dubois", "Kim", "Larsen",
        "Haddad", "Moreau", "Walsh", "Schmidt", "Tanaka", "Brooks", "Ibrahim", "Costa", "Reyes",
        "McCarthy", "Andersen", "Byrne", "Sato", "Kaplan", "Ferreira", "Lindqvist", "Abara"]
WORD_A = ["North", "Bright", "Kestrel", "Vantage", "Harbor", "Quill", "Meridian", "Blue", "Tide",
          "Lumen", "Granite", "Summit", "Cedar", "Atlas", "Beacon", "Copper", "Delta", "Ember",
          "Falcon", "Golden", "Iron", "Juniper", "Keystone", "Lighthouse", "Maple", "Nimbus",
          "Orchard", "Pioneer", "Quarry", "Redwood", "Silver", "Trident", "Union", "Verde",
          "Willow", "Zenith", "Aurora", "Bluefin", "Cobalt", "Driftwood", "Evergreen", "Fjord"]
WORD_B = ["wind", "line", "stone", "field", "point", "crest", "bridge", "ridge", "gate", "water",
          "light", "path", "works", "view", "peak", "haven", "forge", "sight", "wave", "core"]
KIND = {"Software": ["Analytics", "Software", "Labs", "Cloud", "Data"],
        "Financial Services": ["Capital", "Financial", "Credit Union", "Bank", "Partners"],
        "Healthcare": ["Health Systems", "Health", "Medical", "Clinics"],
        "Manufacturing": ["Manufacturing Co", "Industries", "Machinery"],
        "Transportation": ["Logistics", "Freight", "Transport"],
        "Retail": ["Retail", "Stores", "Outfitters"],
        "Education": ["University", "Learning", "Academy"],
        "Publishing": ["Publishing", "Media", "Press"],
        "Government": ["County", "Municipal Services", "Public Authority"],
        "Nonprofit": ["Foundation", "Alliance", "Trust"],
        "Hospitality": ["Hotels", "Restaurants", "Resorts"],
        "Construction": ["Builders", "Construction", "Contractors"]}
INDUSTRY_WEIGHTS = {"Software": 22, "Financial Services": 11, "Healthcare": 9,
                    "Manufacturing": 10, "Transportation": 8, "Retail": 8, "Education": 8,
                    "Publishing": 6, "Government": 7, "Nonprofit": 5, "Hospitality": 4,
                    "Construction": 4}
SUFFIX = ["", "", ", Inc.", " Inc", " LLC", " Corp", " Corporation", " Ltd", " GmbH", " Co."]
TECH = ["Salesforce", "HubSpot", "Marketo", "Snowflake", "Outreach", "Segment", "Slack", "SAP",
        "Shopify", "Klaviyo", "Epic", "Zendesk", "Gong", "6sense", "Pardot", "Dynamics 365"]
INTENT = ["event marketing", "ABM", "sales intelligence", "data enrichment", "lead scoring",
          "field marketing", "revenue operations"]
NEAR = [("Boston", "MA", "02110", 40), ("Cambridge", "MA", "02139", 12),
        ("Somerville", "MA", "02143", 5), ("Quincy", "MA", "02169", 4),
        ("Newton", "MA", "02458", 4), ("Worcester", "MA", "01608", 6),
        ("Lowell", "MA", "01852", 4), ("Framingham", "MA", "01701", 3),
        ("Providence", "RI", "02903", 7), ("Manchester", "NH", "03101", 4),
        ("Nashua", "NH", "03060", 3), ("Portland", "ME", "04101", 2),
        ("Springfield", "MA", "01103", 3), ("Hartford", "CT", "06103", 3)]
FAR = [("New York", "NY", "10001", "US", 10), ("Chicago", "IL", "60601", "US", 5),
       ("San Francisco", "CA", "94105", "US", 5), ("Austin", "TX", "73301", "US", 4),
       ("Denver", "CO", "80202", "US", 3), ("Atlanta", "GA", "30303", "US", 3),
       ("Seattle", "WA", "98101", "US", 3), ("Portland", "OR", "97201", "US", 2),
       ("Toronto", "ON", "", "CA", 3), ("London", "", "", "GB", 4), ("Hamburg", "", "", "DE", 2),
       ("Munich", "", "", "DE", 2), ("Paris", "", "", "FR", 2), ("Dublin", "", "", "IE", 2)]
TITLES = ["VP Marketing", "Director of Demand Generation", "Chief Revenue Officer",
          "Sales Operations Manager", "Head of RevOps", "Marketing Manager", "CMO",
          "Field Marketing Manager", "SVP Sales", "Account Executive", "Intern",
          "Sr. Dir. Demand Gen", "VP, Mktg", "Business Development Representative",
          "Director, Marketing Operations", "Software Engineer", "CFO", "Founder & CEO",
          "Leiter Marketing", "Directrice commerciale", "Event Marketing Specialist",
          "Head of Growth", "IT Director", "Customer Success Manager", "Student",
          "Marketing Coordinator", "Sales Development Rep", "Data Analyst", "Consultant",
          "Office Manager", "Product Designer", "Recruiter", "Account Manager",
          "Operations Analyst", "Graduate Student", "Freelance Writer"]
FREE = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "hotmail.com"]
REPS = [("Dana Whitfield", "MA; NH; RI; ME", 150, "yes"), ("Sam Ortiz", "NY; NJ; CT; PA", 150, "yes"),
        ("Kim Laurent", "United Kingdom; Germany; France; Ireland", 120, "no"),
        ("Ravi Menon", "TX; IL; CO; OR; WA; CA; GA", 150, "no"),
        ("Alex Brennan", "MA; VT; CT; Canada", 140, "yes")]
LOSS = ["Price", "Timing", "No Decision", "Lost to Competitor", "Champion Left", "Budget",
        "Not a fit", "Too small", "Went dark"]
STAGES_OPEN = ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote",
               "Negotiation/Review"]
SOURCES = ["Trade Show", "Webinar", "Outbound", "Paid Search", "Content Syndication",
           "Partner Referral", "Website"]
ACTIVITY = [("webinar", "Event ROI masterclass"), ("ebook", "Field marketing playbook"),
            ("whitepaper", "The state of RevOps 2026"), ("blog", "/blog/booth-staffing-tips"),
            ("page_visit", "/pricing"), ("page_visit", "/product"), ("email_open", "Nov newsletter"),
            ("demo_request", "Website demo form"), ("contact_sales", "Talk to sales form")]


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _weighted(rng: random.Random, items: list[Any], weights: list[float]) -> Any:
    return rng.choices(items, weights=weights, k=1)[0]


def _accounts(rng: random.Random, n: int) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    while len(out) < n:
        ind = _weighted(rng, list(INDUSTRY_WEIGHTS), list(INDUSTRY_WEIGHTS.values()))
        base = f"{rng.choice(WORD_A)}{rng.choice(WORD_B)}" if rng.random() < 0.5 else \
            rng.choice(WORD_A)
        name = f"{base} {rng.choice(KIND[ind])}"
        if name in seen:
            continue
        seen.add(name)
        emp = int(rng.lognormvariate(5.4, 1.6))
        hq = _weighted(rng, NEAR + [(c, r, z, 0) for c, r, z, _cc, _w in FAR],
                       [w for *_x, w in NEAR] + [w * 2 for *_x, w in FAR])
        country = "US"
        for c, r, _z, cc, _w in FAR:
            if c == hq[0] and r == hq[1]:
                country = cc
        dom = _slug(name)[:24] + rng.choice([".com", ".com", ".io",
                                                                         ".co"])
        out.append({
            "Company Name": name + rng.choice(SUFFIX), "Website": f"https://www.{dom}",
            "Primary Industry": ind, "Employees": f"{max(emp, 8):,}",
            "Revenue (USD)": str(max(emp, 8) * rng.randint(90, 400) * 1000),
            "HQ City": hq[0], "HQ State": hq[1],
            "HQ Country": {"US": "United States", "CA": "Canada", "GB": "United Kingdom",
                           "DE": "Germany", "FR": "France", "IE": "Ireland"}[country],
            "Technologies": "; ".join(rng.sample(TECH, rng.randint(0, 3))),
            "Intent Topics": "; ".join(rng.sample(INTENT, rng.randint(0, 2))),
            "Last Funding Date": (TODAY - timedelta(days=rng.randint(30, 1400))).isoformat()
            if rng.random() < 0.35 else "",
            "Hiring Surge": rng.choice(["Yes", "No", "No", ""]),
            "Account Owner": rng.choice([r[0] for r in REPS]) if rng.random() < 0.3 else "",
            "Customer Status": "Customer" if rng.random() < 0.08 else "Prospect",
            "_domain": dom,
        })
    return out


def _people(rng: random.Random, accounts: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        fn, ln = rng.choice(FIRST), rng.choice(LAST)
        acct = rng.choice(accounts) if rng.random() < 0.8 else None
        local = f"{_slug(fn)}.{_slug(ln)}{rng.randint(1, 99) if rng.random() < 0.3 else ''}"
        if acct is not None:
            company = acct["Company Name"]
            if rng.random() < 0.3:
                company = company.upper() if rng.random() < 0.5 else \
                    company.replace(", Inc.", "").replace(" Inc", "")
            email = f"{local}@{acct['_domain']}" if rng.random() < 0.85 else \
                f"{local}@{rng.choice(FREE)}"
        else:
            company = f"{rng.choice(WORD_A)} {rng.choice(['Group', 'Consulting', 'Labs'])}"
            email = f"{local}@{_slug(company)}.com" if rng.random() < 0.6 else \
                f"{local}@{rng.choice(FREE)}"
        if rng.random() < 0.7:
            city, region, zipc, _w = _weighted(rng, NEAR, [w for *_x, w in NEAR])
            country = "United States"
        else:
            city, region, zipc, cc, _w = _weighted(rng, FAR, [w for *_x, w in FAR])
            country = {"US": "United States", "CA": "Canada", "GB": "United Kingdom",
                       "DE": "Germany", "FR": "France", "IE": "Ireland"}[cc]
        if rng.random() < 0.02:
            email = ""
        status = _weighted(rng, ["Attending", "Checked In", "Not Attending"], [70, 25, 5])
        rows.append({
            "Order #": str(1200001 + i), "Order Date": f"2026-{rng.randint(8, 11):02d}-"
                                                       f"{rng.randint(1, 28):02d} 10:00:00-05:00",
            "First Name": fn, "Last Name": ln, "Email": email, "Quantity": "1",
            "Ticket Type": _weighted(rng, ["General Admission", "VIP", "Exhibitor", "Speaker"],
                                     [75, 10, 10, 5]),
            "Attendee #": str(5000001 + i), "Attendee Status": status,
            "Home City": city, "Home State": region, "Home Zip": zipc, "Home Country": country,
            "Job Title": rng.choice(TITLES), "Company": company,
            "Cell Phone": f"({rng.randint(201, 989)}) 555-{rng.randint(0, 9999):04d}"
            if rng.random() < 0.5 else "",
            "Email Opt-Out": "Yes" if rng.random() < 0.04 else "No",
            "Source": _weighted(rng, ["Email invite", "LinkedIn ad", "Partner referral",
                                      "Organic search", "Paid search", "Sponsor list"],
                                [30, 20, 12, 15, 13, 10]),
        })
    return rows


def _opportunities(rng: random.Random, accounts: list[dict[str, Any]], n: int
                   ) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        acct = rng.choice(accounts)
        kind = _weighted(rng, ["lost", "open", "won"], [55, 30, 15])
        created = TODAY - timedelta(days=rng.randint(120, 900))
        close = created + timedelta(days=rng.randint(30, 300))
        last = close - timedelta(days=rng.randint(0, 60)) if kind != "open" else \
            TODAY - timedelta(days=rng.randint(5, 300))
        stage = {"lost": "Closed Lost", "won": "Closed Won"}.get(kind, rng.choice(STAGES_OPEN))
        rows.append({
            "Opportunity Owner": rng.choice([r[0] for r in REPS]),
            "Account Name": acct["Company Name"],
            "Opportunity Name": f"{acct['Company Name'].split()[0]} - Platform {close.year}",
            "Stage": stage, "Amount": f"USD {rng.randint(15, 400) * 1000:,}.00",
            "Close Date": f"{close.month}/{close.day}/{close.year}",
            "Created Date": f"{created.month}/{created.day}/{created.year}",
            "Last Activity": f"{last.month}/{last.day}/{last.year}",
            "Lead Source": rng.choice(SOURCES),
            "Loss Reason": rng.choice(LOSS) if kind == "lost" else "-",
            "Opportunity ID": f"006{i:012d}AAA",
        })
    return rows


def _activities(rng: random.Random, people: list[dict[str, Any]], n: int
                ) -> list[dict[str, Any]]:
    rows = []
    emails = [p["Email"] for p in people if p["Email"]]
    engaged = rng.sample(emails, len(emails) // 8)  # a few people do most of the reading
    for _ in range(n):
        t, asset = _weighted(rng, ACTIVITY, [14, 12, 6, 18, 16, 14, 16, 2, 2])
        who = rng.choice(engaged) if rng.random() < 0.6 else rng.choice(emails)
        rows.append({"Email": who, "Activity Type": t, "Asset": asset,
                     "Date": (TODAY - timedelta(days=rng.randint(1, 120))).isoformat()})
    return rows


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    fields = [k for k in rows[0] if not k.startswith("_")]
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def write_demo_inputs(folder: Path, seed: int = 7) -> dict[str, Path]:
    """Write the demo's input files (as other tools export them) into ``folder``."""
    rng = random.Random(seed)
    accounts = _accounts(rng, 500)
    people = _people(rng, accounts, 2000)
    files = {
        "accounts": _write(folder / "zoominfo_accounts.csv", accounts),
        "roster": _write(folder / "eventbrite_attendees.csv", people),
        "opportunities": _write(folder / "salesforce_opportunities.csv",
                                _opportunities(rng, accounts, 300)),
        "activities": _write(folder / "marketing_activity.csv", _activities(rng, people, 4000)),
        "reps": _write(folder / "reps.csv", [
            {"Name": n, "Email": f"{_slug(n.split()[0])}.{_slug(n.split()[1])}@ourco.example",
             "Territory": t, "Daily capacity": str(c), "Attending event": a}
            for n, t, c, a in REPS]),
    }
    return files


def build_demo(project: Any, *, seed: int = 7,
               importer: Callable[..., Any],
               progress: Callable[[float, str], None] = lambda f, m: None) -> list[Any]:
    """Fill ``project`` with the demo: event, reps, accounts, deals, roster and activity."""
    project.ensure_event(EVENT["name"], **{k: v for k, v in EVENT.items() if k != "name"})
    results = []
    with tempfile.TemporaryDirectory(prefix="gtm-demo-") as tmp:
        files = write_demo_inputs(Path(tmp), seed)
        order = ["reps", "accounts", "opportunities", "roster", "activities"]
        for i, kind in enumerate(order):
            progress(i / len(order), f"importing {kind}")
            results.append(importer(project, files[kind], kind,
                                    event=EVENT["name"] if kind == "roster" else None))
    progress(1.0, "demo ready")
    return results
