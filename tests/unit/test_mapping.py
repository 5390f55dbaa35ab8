"""Column mapping: synonyms, vendor export shapes, languages, value sniffing, header rows."""

# Tables of headers read best a vendor shape to a few lines: the formatter keeps out.
# fmt: off
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gtmplanner.core.io.fields import (
    FIELDS,
    IDENTITY_FIELDS,
    KINDS,
    field_label,
    fields_of_type,
    has_identity,
    identity_hint,
)
from gtmplanner.core.io.mapping import (
    ColumnMapping,
    MappingError,
    header_score,
    header_signature,
    mapped_fields,
    normalize_header,
    parse_map_args,
    propose_mapping,
    validate_user_mapping,
)
from gtmplanner.core.io.synonyms import SYNONYMS

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT.parent / "shared" / "samples"
if not SAMPLES.exists():  # a checkout without shared/ beside it: the copy in fixtures
    SAMPLES = ROOT / "tests" / "fixtures" / "samples"


def mapping_of(headers: list[str], kind: str, rows: list[list[object]] | None = None, **kw):
    """``{header: field or None}`` for a table with these headers (and rows, if given)."""
    frame = pd.DataFrame(rows or [], columns=headers, dtype=object)
    result = propose_mapping(frame, kind, **kw)
    assert [m.source for m in result] == headers
    return {m.source: m.field for m in result}


def assert_maps(headers_to_fields: dict[str, str | None], kind: str, rows=None, **kw) -> None:
    got = mapping_of(list(headers_to_fields), kind, rows, **kw)
    wrong = {h: (got[h], want) for h, want in headers_to_fields.items() if got[h] != want}
    assert not wrong, f"{kind}: header -> (got, expected): {wrong}"


# -- the sample files ----------------------------------------------------------------------

SAMPLE_EXPECTED = {
    ("eventbrite_attendees.csv", "roster"): {
        "Order #": None,  # the order; the attendee id is "Attendee #"
        "Order Date": "registration_date", "First Name": "first_name", "Last Name": "last_name",
        "Email": "email", "Quantity": None, "Ticket Type": "registration_type",
        "Attendee #": "external_id", "Attendee Status": "attended", "Home City": "city",
        "Home State": "region", "Home Zip": "postal_code", "Home Country": "country",
        "Job Title": "title", "Company": "company",
    },
    ("accounts.csv", "accounts"): {
        "Company Name": "name", "Website": "website", "Primary Industry": "industry",
        "Employees": "employees", "Revenue (USD)": "revenue", "HQ City": "hq_city",
        "HQ State": "hq_region", "HQ Country": "hq_country", "Technologies": "technologies",
        "Intent Topics": "intent_topics", "Last Funding Date": "last_funding_date",
        "Account Owner": "owner",
    },
    ("opportunities_report.csv", "opportunities"): {
        "Opportunity Owner": "owner", "Account Name": "account", "Opportunity Name": "name",
        "Stage": "stage", "Amount": "amount", "Close Date": "close_date",
        "Created Date": "created_date", "Last Activity": "last_activity_date",
        "Lead Source": "lead_source", "Loss Reason": "loss_reason",
        "Opportunity ID": "external_id",
    },
    ("activities.csv", "activities"): {
        "Email": "email", "Activity Type": "type", "Asset": "asset", "Date": "date",
    },
    ("reps.csv", "reps"): {
        "Name": "name", "Email": "email", "Territory": "regions", "Daily capacity": "capacity",
        "Attending event": "attending",
    },
}


def test_every_sample_file_is_covered() -> None:
    assert {name for name, _ in SAMPLE_EXPECTED} == {p.name for p in SAMPLES.glob("*.csv")}


@pytest.mark.parametrize(("name", "kind"), list(SAMPLE_EXPECTED))
def test_sample_files_map_every_column(name: str, kind: str) -> None:
    frame = pd.read_csv(SAMPLES / name, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    result = propose_mapping(frame, kind)
    expected = SAMPLE_EXPECTED[(name, kind)]
    assert [m.source for m in result] == list(expected)
    assert {m.source: m.field for m in result} == expected
    for m in result:
        assert len(m.samples) <= 5 and all(s.strip() for s in m.samples)
        if m.field:
            assert m.method == "synonym" and m.confidence >= 0.9, m
    assert has_identity(kind, mapped_fields(result).values())


# -- vendor export shapes ------------------------------------------------------------------

VENDOR_SHAPES: dict[str, tuple[str, dict[str, str | None]]] = {
    "cvent registration report": ("roster", {
        "Confirmation Number": "external_id", "Registration Status": None,
        "Registration Type": "registration_type", "Registration Date": "registration_date",
        "First Name": "first_name", "Last Name": "last_name", "Email Address": "email",
        "Company Name": "company", "Title": "title", "Work Phone": "phone",
        "Mobile Phone": "mobile", "Work City": "city", "Work State/Province": "region",
        "Work Postal Code": "postal_code", "Work Country/Region": "country",
        "Participant": "attended", "Opted Out": "opted_out",
    }),
    "zoom webinar attendee report": ("roster", {
        "Attended": "attended", "User Name (Original Name)": "full_name", "Email": "email",
        "Registration Time": "registration_date", "Approval Status": None, "Join Time": None,
        "Leave Time": None, "Time in Session (minutes)": None, "Is Guest": None,
        "Country/Region Name": "country", "Organization": "company", "Job Title": "title",
        "Source Name": "source",
    }),
    "zoom webinar registration report": ("roster", {
        "First Name": "first_name", "Last Name": "last_name", "Email": "email",
        "City": "city", "Country/Region": "country", "Zip/Postal Code": "postal_code",
        "State/Province": "region", "Phone": "phone", "Industry": None,
        "Organization": "company", "Job Title": "title", "Purchasing Time Frame": None,
        "Questions & Comments": "notes", "Registration Time": "registration_date",
    }),
    "linkedin lead gen form": ("roster", {
        "Lead ID": "external_id", "Submitted At": "registration_date",
        "First Name": "first_name", "Last Name": "last_name", "Email Address": "email",
        "Phone Number": "phone", "Company Name": "company", "Job Title": "title",
        "Seniority": "seniority", "Job Function": "department", "Country": "country",
        "City": "city", "LinkedIn Profile URL": "linkedin_url", "Campaign Name": "source",
        "Form Name": None, "Company Size": None,
    }),
    "bizzabo attendee list": ("roster", {
        "Contact ID": "external_id", "First Name": "first_name", "Last Name": "last_name",
        "Email": "email", "Company": "company", "Title": "title",
        "Ticket Name": "registration_type", "Registration Date": "registration_date",
        "Checked In": "attended", "LinkedIn": "linkedin_url",
    }),
    "swapcard attendee list": ("roster", {
        "First name": "first_name", "Last name": "last_name", "Email": "email",
        "Job title": "title", "Organization": "company", "Phone number": "phone",
        "Mobile phone": "mobile", "Country": "country", "City": "city",
        "Groups": "registration_type",
        "Biography": None, "Website": "domain",
    }),
    "booth lead retrieval": ("roster", {
        "Badge ID": "external_id", "Scan Date": "registration_date", "Scanned By": None,
        "First Name": "first_name", "Last Name": "last_name", "Company": "company",
        "Title": "title", "Email": "email", "Phone": "phone", "City": "city",
        "State": "region", "Country": "country", "Notes": "notes",
        "Would you like a meeting?": "meeting_requested", "Lead Rating": "lead_status",
    }),
    "booth lead retrieval, demo qualifier": ("roster", {
        "Full Name": "full_name", "Email": "email", "Request a demo": "meeting_requested",
        "Rep Notes": "notes",
    }),
    "zoominfo contact export": ("roster", {
        "ZoomInfo Contact ID": "external_id", "Last Name": "last_name", "First Name": "first_name",
        "Job Title": "title", "Management Level": "seniority", "Department": "department",
        "Direct Phone Number": "phone", "Email Address": "email", "Mobile phone": "mobile",
        "LinkedIn Contact Profile URL": "linkedin_url", "Person City": "city",
        "Person State": "region", "Person Zip Code": "postal_code", "Country": "country",
        "Company Name": "company", "Website": "domain", "Company HQ Phone": None,
        "Revenue (in 000s USD)": None, "Employees": None, "Company City": None,
        "Company State": None, "Company Zip Code": None, "Company Country": None,
        "LinkedIn Company Profile URL": None,
    }),
    "apollo contact export": ("roster", {
        "First Name": "first_name", "Last Name": "last_name", "Title": "title",
        "Company": "company", "Company Name for Emails": None, "Email": "email",
        "Email Status": None, "Seniority": "seniority", "Departments": "department",
        "Work Direct Phone": "phone", "Mobile Phone": "mobile", "Corporate Phone": None,
        "# Employees": None, "Industry": None, "Person Linkedin Url": "linkedin_url",
        "Website": "domain", "Company Linkedin Url": None, "City": "city", "State": "region",
        "Country": "country", "Company City": None, "Company State": None,
        "Company Country": None, "Annual Revenue": None, "Technologies": None,
        "Apollo Contact Id": "external_id",
    }),
    "hubspot contacts": ("roster", {
        "Record ID": "external_id", "First Name": "first_name", "Last Name": "last_name",
        "Email": "email", "Phone Number": "phone", "Mobile Phone Number": "mobile",
        "Job Title": "title", "Associated Company": "company", "City": "city",
        "State/Region": "region", "Country/Region": "country", "Postal Code": "postal_code",
        "Lead Status": "lead_status", "Original Source": "source", "Contact owner": None,
        "Unsubscribed from all email": "opted_out",
    }),
    "pipedrive persons": ("roster", {
        "Person - Name": "full_name", "Person - Email": "email", "Person - Phone": "phone",
        "Person - Organization": "company", "Person - Job title": "title",
    }),
    "zoominfo company export": ("accounts", {
        "ZoomInfo Company ID": "external_id", "Company Name": "name", "Website": "website",
        "Founded Year": None, "Company HQ Phone": None, "Revenue (in 000s USD)": "revenue",
        "Employees": "employees", "Primary Industry": "industry", "Company City": "hq_city",
        "Company State": "hq_region", "Company Zip Code": None, "Company Country": "hq_country",
        "Person City": None,
    }),
    "apollo account export": ("accounts", {
        "Company": "name", "# Employees": "employees", "Industry": "industry",
        "Account Owner": "owner", "Website": "website", "Company Linkedin Url": None,
        "Company City": "hq_city", "Company State": "hq_region", "Company Country": "hq_country",
        "Technologies": "technologies", "Annual Revenue": "revenue",
        "Latest Funding": "last_funding_type",
        "Last Raised At": "last_funding_date", "Account Stage": "customer_status",
        "Apollo Account Id": "external_id", "Keywords": None,
    }),
    "salesforce account report": ("accounts", {
        "Account Name": "name", "Account Owner": "owner", "Type": "customer_status",
        "Industry": "industry", "Billing City": "hq_city", "Billing State/Province": "hq_region",
        "Billing Country": "hq_country", "Employees": "employees", "Annual Revenue": "revenue",
        "Website": "website", "Account ID": "external_id",
    }),
    "hubspot companies": ("accounts", {
        "Record ID": "external_id", "Company name": "name", "Company Domain Name": "domain",
        "Website URL": "website", "Number of Employees": "employees", "Annual Revenue": "revenue",
        "City": "hq_city", "State/Region": "hq_region", "Country/Region": "hq_country",
        "Company owner": "owner", "Lifecycle Stage": "customer_status",
    }),
    "salesforce opportunity report": ("opportunities", {
        "Opportunity Owner": "owner", "Account Name": "account", "Opportunity Name": "name",
        "Stage": "stage", "Fiscal Period": None, "Amount": "amount",
        "Expected Revenue": None, "Probability (%)": "probability", "Close Date": "close_date",
        "Created Date": "created_date", "Next Step": "next_step", "Lead Source": "lead_source",
        "Type": "type", "Last Activity": "last_activity_date", "Opportunity ID": "external_id",
        "Account ID": "account_id",
    }),
    "salesforce data loader": ("opportunities", {
        "Id": "external_id", "AccountId": "account_id", "Account.Name": "account", "Name": "name",
        "StageName": "stage", "Amount": "amount", "CloseDate": "close_date",
        "CreatedDate": "created_date", "LastActivityDate": "last_activity_date",
        "OwnerId": None, "Owner.Name": "owner", "LeadSource": "lead_source", "Type": "type",
        "Probability": "probability", "NextStep": "next_step", "IsClosed": None,
        "Loss_Reason__c": "loss_reason",
    }),
    "hubspot deals": ("opportunities", {
        "Record ID": "external_id", "Deal Name": "name", "Deal Stage": "stage", "Pipeline": None,
        "Amount": "amount", "Close Date": "close_date", "Create Date": "created_date",
        "Deal owner": "owner", "Last Activity Date": "last_activity_date",
        "Associated Company": "account", "Associated Company IDs": "account_id",
        "Closed Lost Reason": "loss_reason", "Deal Type": "type",
    }),
    "pipedrive deals": ("opportunities", {
        "Deal - ID": "external_id", "Deal - Title": "name", "Deal - Value": "amount",
        "Deal - Currency": None, "Organization - Name": "account", "Person - Name": None,
        "Person - Email": "contact_email", "Deal - Owner": "owner", "Deal - Stage": "stage",
        "Deal - Status": "status", "Deal - Lost reason": "loss_reason",
        "Deal - Expected close date": "close_date", "Deal - Deal created": "created_date",
        "Deal - Last activity date": "last_activity_date", "Deal - Pipeline": None,
    }),
    "dynamics 365 opportunities": ("opportunities", {
        "(Do Not Modify) Opportunity": "external_id", "(Do Not Modify) Row Checksum": None,
        "(Do Not Modify) Modified On": None, "Topic": "name", "Potential Customer": "account",
        "Est. Revenue": "amount", "Est. Close Date": "close_date", "Probability": "probability",
        "Status": "status", "Status Reason": "loss_reason", "Owner": "owner",
        "Created On": "created_date",
    }),
    "dynamics, status reason alone": ("opportunities", {
        "Topic": "name", "Potential Customer": "account", "Status Reason": "loss_reason",
    }),
    "zoho deals": ("opportunities", {
        "Record Id": "external_id", "Deal Owner": "owner", "Deal Name": "name",
        "Account Name": "account", "Contact Name": None, "Amount": "amount",
        "Closing Date": "close_date", "Stage": "stage", "Type": "type",
        "Lead Source": "lead_source", "Reason For Loss": "loss_reason",
        "Created Time": "created_date", "Last Activity Time": "last_activity_date",
    }),
}


@pytest.mark.parametrize("shape", list(VENDOR_SHAPES))
def test_vendor_export_shapes(shape: str) -> None:
    kind, expected = VENDOR_SHAPES[shape]
    assert_maps(expected, kind)


def test_person_location_is_never_the_company_hq() -> None:
    roster = mapping_of(["Email", "Company City", "HQ State", "Company Country"], "roster")
    assert roster == {
        "Email": "email", "Company City": None, "HQ State": None, "Company Country": None}
    headers = ["Email", "Company City", "Person City", "HQ State", "Home State"]
    roster = mapping_of(headers, "roster")
    assert roster["Person City"] == "city" and roster["Home State"] == "region"
    assert roster["Company City"] is None and roster["HQ State"] is None
    accounts = mapping_of(["Name", "Company City", "HQ State", "Person City"], "accounts")
    assert accounts == {
        "Name": "name", "Company City": "hq_city", "HQ State": "hq_region", "Person City": None}


# -- languages -----------------------------------------------------------------------------


def test_spanish_german_french_rosters() -> None:
    assert_maps({
        "Correo electrónico": "email", "Nombre": "first_name", "Apellido(s)": "last_name",
        "Empresa": "company", "Cargo": "title", "Ciudad": "city", "País": "country",
        "Teléfono": "phone", "Código postal": "postal_code",
    }, "roster")
    assert_maps({
        "E-Mail": "email", "Vorname": "first_name", "Nachname": "last_name", "Firma": "company",
        "Position": "title", "Stadt": "city", "Land": "country", "PLZ": "postal_code",
        "Bundesland": "region", "Handynummer": "mobile",
    }, "roster")
    assert_maps({
        "Courriel": "email", "Prénom": "first_name", "Nom": "last_name", "Société": "company",
        "Fonction": "title", "Ville": "city", "Pays": "country", "Code postal": "postal_code",
        "Téléphone portable": "mobile",
    }, "roster")


def test_ambiguous_name_headers_take_their_meaning_from_neighbours() -> None:
    assert mapping_of(["Nombre", "Correo"], "roster")["Nombre"] == "full_name"
    assert mapping_of(["Nom", "Courriel"], "roster")["Nom"] == "full_name"
    assert mapping_of(["Vorname", "Name"], "roster")["Name"] == "last_name"
    assert mapping_of(["Name", "Email"], "roster")["Name"] == "full_name"
    both = mapping_of(["First Name", "Last Name", "Name"], "roster")
    assert both == {"First Name": "first_name", "Last Name": "last_name", "Name": "full_name"}


def test_other_kinds_in_other_languages() -> None:
    assert_maps({
        "Nombre de la oportunidad": "name", "Cuenta": "account", "Etapa": "stage",
        "Importe": "amount", "Fecha de cierre": "close_date", "Propietario": "owner",
    }, "opportunities")
    assert_maps({
        "Firmenname": "name", "Branche": "industry", "Anzahl Mitarbeiter": "employees",
        "Umsatz": "revenue", "Webseite": "website",
    }, "accounts")
    assert_maps({
        "Nom du compte": "name", "Secteur": "industry", "Nombre d'employés": "employees",
        "Chiffre d'affaires": "revenue", "Site web": "website", "Pays": "hq_country",
    }, "accounts")


# -- normalising headers -------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "norm"), [
    ("E-Mail-Adresse", "e mail adresse"), ("Owner.Name", "owner name"), ("AccountId", "account id"),
    ("Order #", "order number"), ("Loss_Reason__c", "loss reason"), ("  Prénom ", "prenom"),
    ("LinkedIn URL", "linkedin url"), ("Straße", "strasse"), ("Deal - Title", "deal title"),
])
def test_normalize_header(raw: str, norm: str) -> None:
    assert normalize_header(raw) == norm


def test_header_variants_and_typos() -> None:
    assert_maps({
        "EMAIL_ADDRESS": "email", "first.name": "first_name", "lastName": "last_name",
        "JOB TITLE": "title", "  Company  ": "company", "No. of Employees": None,
        "Zip Code": "postal_code", "Ticket": "registration_type",
    }, "roster")
    # prefixes naming the row's own record are understood
    assert mapping_of(["Attendee City", "Participant Phone"], "roster") == {
        "Attendee City": "city", "Participant Phone": "phone"}
    # typos and longer headers: a fuzzy match, less confident than a synonym
    frame = pd.DataFrame(columns=["Emial", "Frist Name", "Email Opt In"])
    result = propose_mapping(frame, "roster")
    assert [(m.field, m.method) for m in result] == [
        ("email", "fuzzy"), ("first_name", "fuzzy"), (None, "none")]
    assert all(0.5 <= m.confidence < 0.9 for m in result[:2])


def test_each_field_goes_to_the_best_column() -> None:
    assert_maps({
        "Secondary Email": None, "Email": "email", "Work Phone": "phone", "Mobile": "mobile",
        "Home Phone": None, "Order #": None, "Attendee #": "external_id",
    }, "roster")
    # alone, the weaker header still gets its field
    assert mapping_of(["Secondary Email", "Order #"], "roster") == {
        "Secondary Email": "email", "Order #": "external_id"}


def test_an_empty_column_yields_to_a_filled_one() -> None:
    rows = [["", "Boston", "a@x.com"], ["", "Austin", "b@x.com"], ["", "Denver", "c@x.com"]]
    assert mapping_of(["Home City", "Work City", "Email"], "roster", rows)["Work City"] == "city"


# -- value sniffing ------------------------------------------------------------------------

PEOPLE = [
    ["Dana Whitfield", "dana.whitfield@acme.com", "+1 (617) 555-0101", "MA", "02110",
     "United States", "https://www.linkedin.com/in/danaw", "2026-09-01", "acme.com"],
    ["Sam Ortiz", "sam.ortiz@brightline.io", "617-555-0102", "TX", "73301", "Canada",
     "linkedin.com/in/samortiz", "09/02/2026", "brightline.io"],
    ["Kim Laurent", "kim@kestrelhealth.org", "+44 20 7946 0958", "IL", "60601-1234", "Germany",
     "https://linkedin.com/in/kim-l", "Sep 3, 2026", "kestrelhealth.org"],
    ["Ravi Menon", "ravi.menon@vantagemfg.com", "(312) 555 0199", "NY", "10001", "USA",
     "https://www.linkedin.com/in/ravim/", "2026-09-04 10:00", "vantagemfg.com"],
]


def test_a_column_of_emails_is_the_email_whatever_its_header() -> None:
    rows = [[name, email] for name, email, *_ in PEOPLE]
    for header in ("Contact", "Column 3", "Unnamed: 1", "Attendee Info", "E-Mail-Adresse"):
        frame = pd.DataFrame(rows, columns=["Name", header])
        result = {m.source: m for m in propose_mapping(frame, "roster")}
        assert result[header].field == "email", header
        assert result["Name"].field == "full_name"
    contact = propose_mapping(pd.DataFrame(rows, columns=["Name", "Contact"]), "roster")[1]
    assert contact.method == "values" and 0.6 <= contact.confidence < 0.95
    assert contact.samples == [p[1] for p in PEOPLE]


def test_values_map_unnamed_columns_by_type() -> None:
    headers = [f"Column {i}" for i in range(1, 10)]
    got = mapping_of(headers, "roster", PEOPLE)
    assert got == {
        "Column 1": None, "Column 2": "email", "Column 3": "phone", "Column 4": "region",
        "Column 5": "postal_code", "Column 6": "country", "Column 7": "linkedin_url",
        "Column 8": "registration_date", "Column 9": "domain",
    }
    # but a named, unknown header is not guessed from weak evidence (dates, zips)
    named = mapping_of(["Email", "Job Started", "Reference"], "roster",
                       [[p[1], p[7], p[4]] for p in PEOPLE])
    assert named == {"Email": "email", "Job Started": None, "Reference": None}


def test_values_contradicting_a_header_lower_its_confidence() -> None:
    rows = [[p[1], p[0]] for p in PEOPLE]  # the columns are swapped
    frame = pd.DataFrame(rows, columns=["Name", "Email"])
    result = {m.source: m for m in propose_mapping(frame, "roster")}
    assert result["Name"].field == "email" and result["Name"].method == "values"
    assert result["Email"].field is None or result["Email"].confidence < 0.7
    mail = pd.DataFrame([[p[1]] for p in PEOPLE], columns=["Mail"])
    confirmed = propose_mapping(mail, "roster")[0]
    assert confirmed.field == "email" and confirmed.confidence > 0.95


def test_values_in_other_kinds() -> None:
    opps = mapping_of(["Deal", "Column 2", "Column 3"], "opportunities",
                      [["Acme renewal", "a@acme.com", "$12,000"], ["Beta", "b@beta.io", "€8.5k"],
                       ["Gamma", "c@g.de", "USD 1,000.00"]])
    assert opps == {"Deal": "name", "Column 2": "contact_email", "Column 3": "amount"}
    accounts = mapping_of(["Company", "F"], "accounts",
                          [["Acme", "https://acme.com"], ["Beta", "www.beta.io"],
                           ["Gamma", "http://gamma.de/en"]])
    assert accounts == {"Company": "name", "F": "website"}
    states_vs_countries = mapping_of(["Col 1", "Col 2"], "roster",
                                     [["MA", "DE"], ["TX", "US"], ["IL", "GB"], ["CA", "FR"]])
    assert states_vs_countries == {"Col 1": "region", "Col 2": "country"}


def test_numeric_and_datetime_columns_are_sniffed() -> None:
    frame = pd.DataFrame({
        "Column 1": pd.to_datetime(["2026-01-02", "2026-02-03", "2026-03-04"]),
        "Employees": [2400.0, 180.0, None],
        "Email": ["a@x.com", "b@y.com", "c@z.com"],
    })
    result = {m.source: m for m in propose_mapping(frame, "accounts")}
    assert result["Column 1"].field == "last_funding_date"
    assert result["Employees"].field == "employees"
    assert result["Employees"].samples == ["2400", "180"]  # whole floats shown as integers


def test_sniffing_a_big_column_gives_the_same_guesses() -> None:
    # The speed of sniffing 200,000 rows is measured by benchmarks/bench_parts.py.
    rows = [[p[0], p[1], p[3]] for p in PEOPLE] * 50_000
    frame = pd.DataFrame(rows, columns=["Full Name", "Column 2", "State"])
    got = {m.source: m.field for m in propose_mapping(frame, "roster")}
    assert got == {"Full Name": "full_name", "Column 2": "email", "State": "region"}


# -- user and saved choices ----------------------------------------------------------------


def test_user_overrides_saved_overrides_guesses() -> None:
    headers = ["Email", "Contact", "Organisation", "Extra"]
    rows = [["a@x.com", "b@y.com", "Acme", "1"]] * 3
    saved = {"Organisation": "-", "Extra": "notes", "Email": "email"}
    user = {"contact": "email", "Email": "ignore"}  # header matched case-insensitively
    result = {m.source: m for m in propose_mapping(
        pd.DataFrame(rows, columns=headers), "roster", saved=saved, user=user)}
    assert (result["Contact"].field, result["Contact"].method) == ("email", "user")
    assert (result["Email"].field, result["Email"].method) == (None, "user")
    assert (result["Organisation"].field, result["Organisation"].method) == (None, "saved")
    assert (result["Extra"].field, result["Extra"].method) == ("notes", "saved")
    # a saved field the user gave to another column is not given twice
    result = propose_mapping(pd.DataFrame(rows, columns=headers), "roster",
                             saved={"Email": "email"}, user={"Contact": "email"})
    assert [m.field for m in result].count("email") == 1
    assert result[1].field == "email"


def test_choices_naming_fields_of_another_kind_are_disregarded() -> None:
    result = propose_mapping(pd.DataFrame(columns=["Email", "Amount"]), "roster",
                             user={"Amount": "amount"})
    assert [m.field for m in result] == ["email", None]


def test_parse_map_args() -> None:
    assert parse_map_args(["Source Header=email", "Other=-", "Third=", "Tier = First Name",
                           "a=b=c=notes"]) == {
        "Source Header": "email", "Other": "", "Third": "", "Tier": "first_name", "a=b=c": "notes"}
    with pytest.raises(MappingError, match='"Foo": expected "Source Header=field"'):
        parse_map_args(["Foo"])
    with pytest.raises(ValueError, match=r'unknown field "emial" \(did you mean "email"\?\)'):
        parse_map_args(["Mail=emial"])
    with pytest.raises(ValueError, match="expected"):
        parse_map_args(["=email"])


def test_validate_user_mapping() -> None:
    headers = ["E-mail", "Company Name", "Close Date"]
    ok = {"E-mail": "email", "company name": "company"}
    assert validate_user_mapping(ok, "roster", headers) == []
    problems = validate_user_mapping(
        {"Emial": "email", "Close Date": "close_date", "Company Name": "compny", "E-mail": "email"},
        "roster", headers)
    assert any('"Emial": no such column' in p and '"E-mail"' in p for p in problems)
    assert any("close_date" in p and "opportunities" in p for p in problems)
    assert any('no field "compny"' in p and '"company"' in p for p in problems)
    assert any("both mapped to email" in p for p in problems)
    assert all("\n" not in p for p in problems)


# -- header rows and signatures ------------------------------------------------------------


def test_header_score_ranks_the_real_header_first() -> None:
    frame = pd.read_csv(SAMPLES / "eventbrite_attendees.csv", dtype=str, encoding="utf-8-sig",
                        keep_default_na=False)
    header = list(frame.columns)
    title = ["Attendee Report: Summit 2026", "", "", ""]
    generated = ["Generated on 2026-09-01 by Eventbrite"] + [""] * 14
    data = list(frame.iloc[0])
    scores = [header_score(row, "roster") for row in (header, title, generated, data)]
    assert scores[0] > 0.6
    assert max(scores[1:]) < 0.2
    assert header_score([], "roster") == 0.0
    assert header_score([None, float("nan"), ""], "roster") == 0.0


def test_header_score_tells_kinds_apart() -> None:
    for (name, kind) in SAMPLE_EXPECTED:
        frame = pd.read_csv(SAMPLES / name, dtype=str, encoding="utf-8-sig")
        header = list(frame.columns)
        own = header_score(header, kind)
        assert 0.5 < own <= 1.0
        assert header_score(list(frame.iloc[0]), kind) < own / 2  # a data row
        assert header_score(["Contacts"], kind) < own / 2  # a title
        if kind in ("accounts", "opportunities"):
            assert all(header_score(header, other) < own for other in KINDS if other != kind)


def test_header_signature_is_stable() -> None:
    a = header_signature(["First Name", "Last Name", "Email", "Company"])
    assert a == header_signature(["email", "COMPANY", " first  name ", "Last_Name"])
    assert a == header_signature(("Company", "EMAIL", "First-Name", "last.name"))
    assert a != header_signature(["First Name", "Last Name", "Email"])
    assert a != header_signature(["First Name", "Last Name", "Email", "Title"])
    assert len(a) == 40 and int(a, 16) >= 0


# -- invariants ----------------------------------------------------------------------------


def test_tables_are_consistent() -> None:
    for kind in KINDS:
        assert set(SYNONYMS[kind]) <= set(FIELDS[kind]), kind
        for alt in IDENTITY_FIELDS[kind]:
            assert set(alt) <= set(FIELDS[kind])
    assert set(SYNONYMS) == set(FIELDS) == set(KINDS)


def test_field_helpers() -> None:
    assert has_identity("roster", ["first_name", "last_name", "city"])
    assert not has_identity("roster", ["first_name", "city"])
    assert has_identity("accounts", ["domain"]) and not has_identity("opportunities", ["account"])
    assert identity_hint("roster") == "email, first_name + last_name, or full_name"
    assert field_label("hq_city") == "HQ city" and field_label("linkedin_url") == "LinkedIn URL"
    assert fields_of_type("roster", "phone") == ["phone", "mobile"]
    with pytest.raises(ValueError, match="unknown kind 'people'"):
        propose_mapping(pd.DataFrame(columns=["Email"]), "people")


def test_every_field_maps_from_its_own_name() -> None:
    for kind in KINDS:
        for fld in FIELDS[kind]:
            got = mapping_of([fld], kind)[fld]
            assert got == fld, (kind, fld, got)


cell = st.one_of(st.none(), st.text(max_size=12), st.integers(), st.floats(allow_nan=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.lists(st.text(max_size=20), min_size=1, max_size=8),
    rows=st.lists(st.lists(cell, min_size=8, max_size=8), max_size=6),
    kind=st.sampled_from(KINDS),
)
def test_never_crashes_and_gives_each_field_once(headers, rows, kind) -> None:
    frame = pd.DataFrame([r[: len(headers)] for r in rows], columns=headers, dtype=object) \
        if rows else pd.DataFrame(columns=headers)
    result = propose_mapping(frame, kind)
    assert all(isinstance(m, ColumnMapping) for m in result) and len(result) == len(headers)
    fields = [m.field for m in result if m.field]
    assert len(fields) == len(set(fields)) and set(fields) <= set(FIELDS[kind])
    assert all(0.0 <= m.confidence <= 1.0 and len(m.samples) <= 5 for m in result)
    for m in result:  # guessed columns are mapped exactly when they say how
        assert m.method in ("user", "saved") or (m.field is None) == (m.method == "none")
    assert 0.0 <= header_score(headers, kind) <= 1.0
