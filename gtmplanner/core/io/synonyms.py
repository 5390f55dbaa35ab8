"""Header synonyms: which column headers mean which canonical field, per import kind.

Pure data, read by :mod:`.mapping`. Headers are written here as people and
tools spell them; they are compared after normalising (lower case, accents
stripped, camelCase split, punctuation / underscores / dots dropped), so
``"E-Mail-Adresse"``, ``"e_mail adresse"`` and ``"EMailAdresse"`` are one entry.

An entry is either a header (confidence 1.0) or ``(header, confidence)`` for a
header that only *probably* means the field (``"Order #"`` is the attendee id
only when there is no ``"Attendee #"``). A header may be listed under several
fields; the mapper then gives each field to the best column.

Besides English, the tables carry Spanish, German and French, and the exact
headers of the exports we see most: Eventbrite, Cvent, Zoom webinars, LinkedIn
lead-gen forms, Bizzabo, Swapcard, booth lead-retrieval (badge scans),
ZoomInfo, Apollo, Salesforce (reports and Data Loader), HubSpot, Pipedrive,
Dynamics 365 and Zoho.
"""

from __future__ import annotations

Synonym = str | tuple[str, float]

# fmt: off
# -- people on a roster ------------------------------------------------------------------
_ROSTER: dict[str, tuple[Synonym, ...]] = {
    "first_name": (
        "First Name", "FirstName", "First", "Given Name", "Forename", "Fname", "First_Name",
        "Attendee First Name", "Person - First name", "Nombre de pila", "Primer nombre",
        "Vorname", "Prénom", "Prenom",
    ),
    "last_name": (
        "Last Name", "LastName", "Last", "Surname", "Family Name", "Lname",
        "Attendee Last Name", "Person - Last name", "Apellido", "Apellidos", "Apellido(s)",
        "Primer apellido", "Nachname", "Familienname", "Zuname", "Nom de famille",
    ),
    "full_name": (
        "Name", "Full Name", "FullName", "Contact Name", "Attendee Name", "Registrant Name",
        "Person Name", "Lead Name", "Participant Name", "Guest Name", "Attendee", "Registrant",
        "User Name", "User Name (Original Name)", "Name (Original Name)", "Display Name",
        "Person - Name", ("Contact", 0.85), ("Lead", 0.8), "Nombre", "Nombre completo",
        "Nombre y apellidos", "Vollständiger Name", "Vor- und Nachname", "Nom complet",
        "Nom et prénom", "Nom",
    ),
    "email": (
        "Email", "E-mail", "Email Address", "E-mail Address", "Emailaddress", "Work Email",
        "Business Email", "Work Email Address", "Business Email Address", "Email (Work)",
        "Primary Email", "Attendee Email", "Registrant Email", "Contact Email", "User Email",
        "Person - Email", "Email 1", ("Mail", 0.95), ("Personal Email", 0.85),
        ("Secondary Email", 0.8), ("Other Email", 0.8), ("Email 2", 0.8), "Correo",
        "Correo electrónico", "Correo electronico", "Dirección de correo electrónico",
        "Email de contacto", "E-Mail-Adresse", "Emailadresse", "Mailadresse", "Courriel",
        "Adresse e-mail", "Adresse email", "Adresse électronique", "Adresse courriel",
        "Adresse mail",
    ),
    "phone": (
        "Phone", "Phone Number", "Telephone", "Tel", "Work Phone", "Business Phone",
        "Direct Phone", "Direct Phone Number", "Work Direct Phone", "Office Phone",
        "Direct Dial", "Phone 1", "Person - Phone", "Attendee Phone", "Contact Phone",
        ("Home Phone", 0.85), ("Corporate Phone", 0.8), ("Other Phone", 0.8), ("Phone 2", 0.8),
        "Teléfono", "Telefono", "Número de teléfono", "Teléfono de trabajo", "Telefon",
        "Telefonnummer", "Telefon geschäftlich", "Téléphone", "Téléphone professionnel",
        "Numéro de téléphone", "Tél",
    ),
    "mobile": (
        "Mobile", "Mobile Phone", "Mobile Number", "Mobile Phone Number", "Cell", "Cell Phone",
        "Cellphone", "Cell Number", "Mobile (Cell)", "Móvil", "Movil", "Celular",
        "Teléfono móvil", "Handy", "Handynummer", "Mobil", "Mobilnummer", "Mobiltelefon",
        "Portable", "Téléphone portable", "Téléphone mobile", "Numéro de portable",
    ),
    "title": (
        "Title", "Job Title", "JobTitle", "Position", "Role", "Job Role", "Designation",
        "Job Position", "Position Title", "Occupation", "Person - Job title", "Cargo", "Puesto",
        "Puesto de trabajo", "Título", "Berufsbezeichnung", "Jobtitel", "Stellenbezeichnung",
        "Funktion", ("Titel", 0.85), "Fonction", "Poste", "Titre", "Intitulé du poste",
    ),
    "seniority": (
        "Seniority", "Seniority Level", "Management Level", "Job Level", "Level",
        ("Job Title Hierarchy Level", 0.9), "Nivel", "Seniorität", "Hierarchieebene",
        "Niveau hiérarchique", "Séniorité",
    ),
    "department": (
        "Department", "Departments", "Job Function", "Function", "Business Unit", "Division",
        "Departamento", "Abteilung", "Bereich", "Service", "Département",
    ),
    "company": (
        "Company", "Company Name", "Organization", "Organisation", "Organization Name",
        "Employer", "Business Name", "Firm", "Associated Company", "Person - Organization",
        "Organization - Name", "Attendee Company", ("Account Name", 0.9), ("Account", 0.85),
        ("Company Name for Emails", 0.85), "Empresa", "Compañía", "Compania", "Organización",
        "Nombre de la empresa", "Firma", "Firmenname", "Unternehmen", "Organisation", "Société",
        "Entreprise", "Nom de l'entreprise", "Raison sociale",
    ),
    "domain": (
        "Domain", "Company Domain", "Company Domain Name", "Website Domain", "Primary Domain",
        ("Email Domain", 0.85), ("Website", 0.85), ("Company Website", 0.85),
        ("Web Site", 0.85), ("Website URL", 0.85), ("Company URL", 0.8), "Dominio",
        "Domain der Firma", "Domaine", ("Sitio web", 0.85), ("Webseite", 0.85),
        ("Site web", 0.85),
    ),
    "city": (
        "City", "Person City", "Home City", ("Work City", 0.97), "Town", "Attendee City",
        "Contact City", "Mailing City", "Locality", "City/Town", ("Location", 0.7), "Ciudad",
        "Localidad", "Población", "Municipio", "Stadt", "Ort", "Wohnort", "Ville", "Commune",
        "Localité",
    ),
    "region": (
        "State", "Region", "State/Province", "State/Region", "State or Province", "Province",
        "Person State", "Home State", ("Work State", 0.97), ("Work State/Province", 0.97),
        "State Code", "Region/State", "Mailing State/Province", "Mailing State", "County/State",
        "Provincia", "Estado", "Región", "Comunidad autónoma", "Estado/Provincia", "Bundesland",
        "Kanton", "Région", "Province/État", "État",
    ),
    "country": (
        "Country", "Country/Region", "Country/Region Name", "Country Name", "Country Code",
        "Person Country", "Home Country", ("Work Country", 0.97), ("Work Country/Region", 0.97),
        "Mailing Country", "Nation", "Country of Residence", "País", "Pais", "País/Región",
        "Land", "Staat", "Länderkennung", "Pays", "Pays/Région",
    ),
    "postal_code": (
        "Postal Code", "Zip", "Zip Code", "ZIP/Postal Code", "Zip/Postal Code", "Postcode",
        "Post Code", "Home Zip", ("Work Zip", 0.97), ("Work Postal Code", 0.97),
        "Person Zip Code", "Person Zip", "Mailing Zip/Postal Code", "Postal", "Código postal",
        "Codigo postal", "C.P.", "CP", "PLZ", "Postleitzahl", "Code postal",
    ),
    "latitude": ("Latitude", "Lat", "Breitengrad", "Latitud"),
    "longitude": ("Longitude", "Lng", "Lon", "Long", "Längengrad", "Longitud"),
    "linkedin_url": (
        "LinkedIn", "LinkedIn URL", "LinkedIn Profile", "LinkedIn Profile URL",
        "Person Linkedin Url", "LinkedIn Contact Profile URL", "LinkedIn Member Profile URL",
        "LinkedIn Member Profile", "LinkedIn Profile Link", "Linkedin Link",
        "Perfil de LinkedIn", "LinkedIn-Profil", "Profil LinkedIn",
    ),
    "source": (
        "Source", "Lead Source", "Original Source", "Source Name", "Registration Source",
        "Contact Source", ("Campaign Name", 0.8), ("Campaign", 0.8), ("UTM Source", 0.8),
        ("Original Source Type", 0.9), "Origen", "Fuente", "Quelle", "Lead-Quelle", "Origine",
        "Source du lead",
    ),
    "registration_type": (
        "Registration Type", "Ticket Type", "Attendee Type", "Ticket Name", "Ticket",
        "Pass Type", "Badge Type", "Ticket Class", "Registrant Type", "Admission Item",
        "Participant Type", ("Groups", 0.8), ("Type", 0.75), ("Category", 0.75),
        "Tipo de registro", "Tipo de entrada", "Tipo de asistente", "Ticketart", "Ticket-Typ",
        "Teilnehmertyp", "Type de billet", "Type de participant",
    ),
    "attended": (
        "Attended", "Checked In", "Checked-In", "Check-In Status", "Check In Status",
        "Attendance", "Attendance Status", "Participated", "Participant", "Showed Up",
        "Attendee Check-in Status", "Was Present", ("Attendee Status", 0.9), "Asistió",
        "Asistencia", "Teilgenommen", "Anwesend", "Présent", "Présence", "A participé",
    ),
    "opted_out": (
        "Opted Out", "Opt Out", "Opt-Out", "Email Opt Out", "Unsubscribed", "Do Not Email",
        "Do Not Contact", "Do Not Call", "HasOptedOutOfEmail", "Unsubscribed from all email",
        "Marketing Opt Out", "Email Opt-Out", "Opted Out of Email", "Dado de baja", "Baja",
        "Abgemeldet", "Abmeldung", "Désabonné", "Désinscrit",
    ),
    "notes": (
        "Notes", "Note", "Comments", "Comment", "Rep Notes", "Scan Notes", "Lead Notes",
        "Meeting Notes", "Booth Notes", "Questions & Comments", "Additional Notes", "Remarks",
        "Notas", "Comentarios", "Notizen", "Kommentar", "Bemerkungen", "Commentaires",
        "Remarques",
    ),
    "meeting_requested": (
        "Meeting Requested", "Would you like a meeting?", "Request a demo", "Demo Requested",
        "Requested a Meeting", "Book a meeting", "Schedule a meeting", "Wants Meeting",
        "Meeting Request", "Hand Raiser", "Follow-up Requested", "Contact Me",
        "Solicitar reunión", "Solicitar demo", "Termin gewünscht", "Demo angefragt",
        "Demande de rendez-vous", "Demande de démo",
    ),
    "registration_date": (
        "Registration Date", "Registration Time", "Registered At", "Registered On",
        "Date Registered", "Order Date", "Submitted At", "Date Submitted", "Submission Date",
        "Scan Date", "Scan Time", "Scanned At", "Date Scanned", "Capture Date", "Captured At",
        "Signup Date", ("Created At", 0.85), ("Created Date", 0.85), ("Create Date", 0.85),
        ("Timestamp", 0.8), ("Date", 0.75), "Fecha de registro", "Fecha de inscripción",
        "Anmeldedatum", "Registrierungsdatum", "Date d'inscription", "Date d'enregistrement",
    ),
    "external_id": (
        "External ID", "Attendee #", "Attendee ID", "Attendee Number", "Registration ID", "Registrant ID",
        "Confirmation Number", "Confirmation #", "Confirmation Code", "Lead ID", "Badge ID",
        "Badge Number", "Badge #", "Contact ID", "Record ID", "Person ID", "Person - ID",
        "Participant ID", "Apollo Contact Id", "ZoomInfo Contact ID", "Member ID", "ID", "Id",
        ("Order #", 0.85), ("Order ID", 0.85), ("Order Number", 0.85), ("Barcode #", 0.8),
        ("Ticket ID", 0.85), ("Reference ID", 0.85), ("Invitee ID", 0.9), "ID de asistente",
        "Teilnehmer-ID", "ID du participant",
    ),
    "lead_status": (
        "Lead Status", "Lead Rating", "Rating", "Lead Quality", "Lead Temperature",
        "Temperature", "Lead Stage", "Qualification", "Lead Grade", ("Status", 0.8),
        ("Lifecycle Stage", 0.85), ("Stage", 0.75), "Estado del lead", "Lead-Status",
        "Statut du lead",
    ),
}

# -- accounts ----------------------------------------------------------------------------
_ACCOUNTS: dict[str, tuple[Synonym, ...]] = {
    "name": (
        "Name", "Account Name", "Company Name", "Company", "Organization", "Organisation",
        "Organization Name", "Account", "Business Name", "Legal Name", "Customer Name",
        "Empresa", "Nombre", "Nombre de la empresa", "Nombre de la cuenta", "Cuenta",
        "Compañía", "Firma", "Firmenname", "Unternehmen", "Unternehmensname", "Kunde",
        "Société", "Entreprise", "Nom", "Nom de l'entreprise", "Nom du compte", "Compte",
        "Raison sociale",
    ),
    "domain": (
        "Domain", "Company Domain", "Company Domain Name", "Website Domain", "Primary Domain",
        "Domain Name", ("Email Domain", 0.85), "Dominio", "Domaine",
    ),
    "website": (
        "Website", "Web Site", "Website URL", "Company Website", "URL", "Homepage",
        "Company URL", "Web", "Sitio web", "Página web", "Webseite", "Homepage-URL", "Site web",
        "Site internet",
    ),
    "industry": (
        "Industry", "Primary Industry", "Industry Type", "Vertical", "Sector", "Industries",
        ("All Industries", 0.85), "Industria", "Branche", "Industrie", "Secteur",
        "Secteur d'activité",
    ),
    "employees": (
        "Employees", "# Employees", "Number of Employees", "No. of Employees", "Employee Count",
        "Headcount", "Company Headcount", "NumberOfEmployees", "Estimated Num Employees",
        "Total Employees", ("Employee Range", 0.85), ("Company Size", 0.9), ("Size", 0.8),
        ("Employee Size", 0.9), "Empleados", "Número de empleados", "Mitarbeiter",
        "Anzahl Mitarbeiter", "Mitarbeiterzahl", "Anzahl der Mitarbeiter", "Effectif",
        "Effectifs", "Nombre d'employés", "Nombre de salariés",
    ),
    "revenue": (
        "Revenue", "Annual Revenue", "Revenue (USD)", "AnnualRevenue", "Revenue USD",
        "Estimated Revenue", "Company Revenue", "Total Revenue", ("Revenue (in 000s USD)", 0.9),
        ("Revenue Range", 0.85), ("Revenue Range (in USD)", 0.85), "Ingresos",
        "Ingresos anuales", "Facturación", "Umsatz", "Jahresumsatz", "Chiffre d'affaires",
        "CA annuel",
    ),
    "hq_city": (
        "HQ City", "City", "Company City", "Headquarters City", "Billing City", "BillingCity",
        "Account City", "Organization - City", "Ciudad", "Stadt", "Ort", "Ville",
        "Ville du siège",
    ),
    "hq_region": (
        "HQ State", "HQ Region", "State", "Region", "Company State", "State/Province",
        "State/Region", "Province", "Billing State", "Billing State/Province", "BillingState",
        "Headquarters State", "Company Region", "Provincia", "Estado", "Región", "Bundesland",
        "Région",
    ),
    "hq_country": (
        "HQ Country", "Country", "Company Country", "Country/Region", "Billing Country",
        "BillingCountry", "Headquarters Country", "Country Name", "País", "Land", "Pays",
    ),
    "technologies": (
        "Technologies", "Technology", "Tech Stack", "Technographics", "Installed Technologies",
        "Technologies Used", "Tools", "Software Used", "Tecnologías", "Technologien",
        "Technologies utilisées",
    ),
    "intent_topics": (
        "Intent Topics", "Intent Topic", "Intent", "Intent Signals", "Buyer Intent Topics",
        "Surging Topics", "Bombora Topics", "Topics", "Temas de intención", "Intent-Themen",
        "Sujets d'intention",
    ),
    "last_funding_date": (
        "Last Funding Date", "Last Raised At", "Latest Funding Date", "Funding Date",
        "Last Funding Round Date", "Most Recent Funding Date", "Date of Last Funding",
        "Fecha de la última financiación", "Letzte Finanzierung am",
        "Date du dernier financement",
    ),
    "last_funding_type": (
        "Last Funding Type", "Latest Funding", "Latest Funding Type", "Last Funding Round",
        "Funding Round", "Funding Stage", "Last Funding Round Type", "Funding Type",
        "Tipo de financiación", "Finanzierungsrunde", "Type de financement",
    ),
    "hiring_signal": (
        "Hiring Signal", "Hiring", "Hiring Surge", "Hiring Intent", "Job Openings", "Open Jobs",
        "Open Positions", ("Headcount Growth", 0.85), ("Job Postings", 0.9), "Contratación",
        "Einstellungen", "Recrutement",
    ),
    "owner": (
        "Account Owner", "Owner", "Owner Name", "Owner.Name", "Company Owner",
        "Account Manager", ("Sales Rep", 0.9), ("Assigned To", 0.85),
        ("Organization - Owner", 1.0), "Propietario", "Propietario de la cuenta",
        "Kundenbetreuer", "Accountinhaber", "Besitzer", "Propriétaire",
        "Propriétaire du compte",
    ),
    "customer_status": (
        "Customer Status", "Account Type", "Account Stage", "Lifecycle Stage", "Relationship",
        "Customer Type", ("Type", 0.85), ("Status", 0.85), ("Customer", 0.8),
        ("Is Customer", 0.9), "Tipo de cuenta", "Estado del cliente", "Kundenstatus",
        "Kontotyp", "Type de compte", "Statut client",
    ),
    "external_id": (
        "External ID", "Account ID", "AccountId", "ID", "Id", "Record ID", "Company ID", "ZoomInfo Company ID",
        "Apollo Account Id", "Organization ID", "Organization - ID", "CRM ID",
        ("Account Number", 0.85), "ID de cuenta", "Konto-ID", "ID du compte",
    ),
}

# -- opportunities -----------------------------------------------------------------------
_OPPORTUNITIES: dict[str, tuple[Synonym, ...]] = {
    "external_id": (
        "External ID", "Opportunity ID", "Id", "ID", "Record ID", "Deal ID", "Deal - ID", "Opportunity Number",
        "(Do Not Modify) Opportunity", "Opp ID", "Opportunity 18 Digit ID", "ID de oportunidad",
        "Verkaufschancen-ID", "ID de l'opportunité",
    ),
    "name": (
        "Opportunity Name", "Name", "Deal Name", "Deal - Title", "Deal Title", "Title", "Topic",
        "Opportunity", "Deal", "Potential Name", "Oportunidad", "Nombre de la oportunidad",
        "Nombre del negocio", "Nombre", "Verkaufschance", "Name der Verkaufschance", "Thema",
        "Opportunité", "Nom de l'opportunité", "Nom", "Sujet",
    ),
    "account": (
        "Account Name", "Account", "Account.Name", "Company", "Company Name",
        "Associated Company", "Associated Company (Primary)", "Organization",
        "Organization - Name", "Deal - Organization", "Organization Name", "Potential Customer",
        "Customer", "Customer Name", "Cuenta", "Nombre de la cuenta", "Empresa",
        "Cliente potencial", "Firma", "Firmenname", "Unternehmen", "Potenzieller Kunde",
        "Compte", "Nom du compte", "Société", "Client potentiel",
    ),
    "account_id": (
        "Account ID", "AccountId", "Account.Id", "Associated Company IDs",
        "Associated Company ID", "Organization ID", "Deal - Organization ID",
        "Organization - ID", "Company ID", "(Do Not Modify) Account",
    ),
    "stage": (
        "Stage", "StageName", "Stage Name", "Deal Stage", "Sales Stage", "Pipeline Stage",
        "Pipeline Phase", "Deal - Stage", "Opportunity Stage", "Etapa", "Fase",
        "Etapa de venta", "Phase", "Verkaufsphase", "Étape", "Étape de vente",
    ),
    "status": (
        "Status", "Deal - Status", "Deal Status", "Opportunity Status", ("Status Reason", 0.8),
        ("State", 0.8), "Estado", "Statut",
    ),
    "close_date": (
        "Close Date", "CloseDate", "Closing Date", "Expected Close Date", "Est. Close Date",
        "Estimated Close Date", "Deal - Expected close date", "Closed Date", "Date Closed",
        ("Actual Close Date", 0.9), ("Won Time", 0.8), ("Lost Time", 0.8), "Fecha de cierre",
        "Fecha de cierre prevista", "Abschlussdatum", "Voraussichtliches Abschlussdatum",
        "Date de clôture", "Date de clôture prévue",
    ),
    "created_date": (
        "Created Date", "CreatedDate", "Create Date", "Created On", "Created Time", "Created",
        "Created At", "Date Created", "Deal - Deal created", "Deal created",
        "Fecha de creación", "Erstellt am", "Erstelldatum", "Date de création",
    ),
    "last_activity_date": (
        "Last Activity", "Last Activity Date", "LastActivityDate", "Last Activity Time",
        "Deal - Last activity date", "Last Contacted", "Last Engagement Date",
        "Last Activity (Date)", ("Last Modified Date", 0.8), ("Modified On", 0.8),
        ("Modified Time", 0.8), ("Deal - Update time", 0.8), "Fecha de última actividad",
        "Última actividad", "Letzte Aktivität", "Dernière activité",
    ),
    "amount": (
        "Amount", "Deal Amount", "Value", "Deal Value", "Deal - Value", "Opportunity Amount",
        "Est. Revenue", "Estimated Revenue", "Total Amount", "Amount (converted)",
        "Amount in company currency", ("Actual Revenue", 0.9), "Importe", "Monto", "Valor",
        "Ingresos estimados", "Betrag", "Wert", "Geschätzter Umsatz", "Montant", "Valeur",
        "Revenu estimé",
    ),
    "owner": (
        "Opportunity Owner", "Owner", "Owner.Name", "Owner Name", "Deal owner", "Deal - Owner",
        "Sales Rep", "Salesperson", "Assigned To", ("Account Owner", 0.8), "Propietario",
        "Propietario de la oportunidad", "Besitzer", "Verantwortlicher",
        "Verkaufschancen-Besitzer", "Propriétaire", "Propriétaire de l'opportunité",
    ),
    "lead_source": (
        "Lead Source", "LeadSource", "Source", "Original Source", "Original Source Type",
        "Deal - Source", "Opportunity Source", "Deal Source", ("Source Campaign", 0.8),
        ("Campaign Source", 0.8), ("Primary Campaign Source", 0.85), "Origen",
        "Origen del cliente potencial", "Fuente", "Lead-Quelle", "Quelle", "Origine",
        "Source de la piste",
    ),
    "loss_reason": (
        "Loss Reason", "Lost Reason", "Closed Lost Reason", "Reason for Loss", "Reason Lost",
        "Deal - Lost reason", "Loss_Reason__c", "Close Reason", "Closed Reason",
        ("Status Reason", 0.9), "Motivo de pérdida", "Razón de pérdida", "Verlustgrund",
        "Grund für Verlust", "Raison de la perte", "Motif de perte",
    ),
    "next_step": (
        "Next Step", "NextStep", "Next Steps", "Deal - Next step", "Próximo paso",
        "Siguiente paso", "Nächster Schritt", "Prochaine étape",
    ),
    "contact_email": (
        "Contact Email", "Email", "Person - Email", "Primary Contact Email", "Contact: Email",
        "Contact Email Address", "Email Address", "E-mail", "Correo electrónico",
        "E-Mail-Adresse", "E-Mail", "Courriel", "Adresse e-mail",
    ),
    "probability": (
        "Probability", "Probability (%)", "Deal probability", "Deal - Probability",
        "Win Probability", "Probabilidad", "Wahrscheinlichkeit", "Probabilité",
    ),
    "type": (
        "Type", "Opportunity Type", "Deal Type", "Deal - Type", "Business Type", "Tipo", "Typ",
        "Type d'opportunité",
    ),
}

# -- engagement activities ---------------------------------------------------------------
_ACTIVITIES: dict[str, tuple[Synonym, ...]] = {
    "email": (
        "Email", "E-mail", "Email Address", "Contact Email", "Lead Email", "Person Email",
        "Recipient", "Recipient Email", "Correo", "Correo electrónico", "E-Mail-Adresse",
        "Courriel", "Adresse e-mail",
    ),
    "type": (
        "Activity Type", "Type", "Activity", "Event Type", "Engagement Type", "Interaction",
        "Interaction Type", "Action", "Tipo de actividad", "Tipo", "Aktivitätstyp", "Typ",
        "Type d'activité",
    ),
    "asset": (
        "Asset", "Asset Name", "Content", "Content Name", "Content Title", "Campaign",
        "Campaign Name", "Page", "Page URL", "Page Title", "URL", "Webinar", "Resource",
        ("Title", 0.85), ("Name", 0.8), ("Subject", 0.85), "Recurso", "Contenido", "Inhalt",
        "Ressource", "Contenu",
    ),
    "date": (
        "Date", "Activity Date", "Timestamp", "Occurred At", "Activity Time", "Date/Time",
        "Created Date", "Created At", "Time", "Event Date", "Fecha", "Datum",
        "Date de l'activité",
    ),
}

# -- sales reps --------------------------------------------------------------------------
_REPS: dict[str, tuple[Synonym, ...]] = {
    "name": (
        "Name", "Rep", "Rep Name", "Sales Rep", "Full Name", "Owner", "Salesperson", "User",
        "Representative", "Account Executive", "Nombre", "Vendedor", "Comercial",
        "Vertriebsmitarbeiter", "Nom", "Commercial",
    ),
    "email": (
        "Email", "E-mail", "Email Address", "Rep Email", "Work Email", "Correo",
        "Correo electrónico", "E-Mail-Adresse", "Courriel", "Adresse e-mail",
    ),
    "regions": (
        "Territory", "Territories", "Regions", "Region", "States", "Countries", "Coverage",
        "Sales Territory", "Territorio", "Regiones", "Gebiet", "Vertriebsgebiet", "Region(en)",
        "Territoire", "Secteur",
    ),
    "capacity": (
        "Capacity", "Daily Capacity", "Dials per Day", "Calls per Day", "Max Targets",
        "Daily Dials", "Targets per Day", "Capacidad", "Kapazität", "Capacité",
    ),
    "attending": (
        "Attending", "Attending Event", "At Event", "On Site", "Onsite", "Going", "At Booth",
        "Asiste", "Asistirá", "Vor Ort", "Nimmt teil", "Présent", "Sur place",
    ),
}

SYNONYMS: dict[str, dict[str, tuple[Synonym, ...]]] = {
    "roster": _ROSTER,
    "accounts": _ACCOUNTS,
    "opportunities": _OPPORTUNITIES,
    "activities": _ACTIVITIES,
    "reps": _REPS,
}

# Headers that look like a field but are not it: they map to nothing (the
# importer keeps them as extra attributes), and no fuzzy or value guess may
# give them a field. In a roster the location is the *person's*: a company's
# or headquarters' city, state or country must not become the person's.
_ANY_KIND_BLOCKED: tuple[str, ...] = (
    "Created By", "Last Modified By", "Modified By", "Owner ID", "OwnerId", "CreatedById",
    "LastModifiedById", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On", "County",
    "Religion", "Scanned By", "Expected Revenue", "Email Status", "Email Sent", "Email Open",
    "Email Opened", "Email Bounced", "Email Confidence", "Primary Email Source",
)
BLOCKED: dict[str, tuple[str, ...]] = {
    "roster": _ANY_KIND_BLOCKED
    + (
        "Company City", "Company State", "Company Region", "Company Country", "Company Zip",
        "Company Zip Code", "Company Postal Code", "Company Address", "Company Street",
        "Company Street Address", "Company Phone", "Company HQ Phone", "HQ Phone", "HQ City",
        "HQ State", "HQ Region", "HQ Country", "HQ Zip", "HQ Location", "Headquarters",
        "Headquarters City", "Headquarters State", "Headquarters Country", "Billing City",
        "Billing State", "Billing State/Province", "Billing Country", "Billing Zip/Postal Code",
        "Account City", "Account State", "Account Country", "Organization - City",
        "Organization - Country", "Organization - Address", "Company Linkedin Url",
        "LinkedIn Company Profile URL", "Company LinkedIn", "ZoomInfo Contact Profile URL",
        "Facebook Url", "Twitter Url", "Contact Owner", "Account Owner", "Company Owner",
        "Company Description", "Company Name Status", "Ciudad de la empresa",
        "País de la empresa", "Firmensitz", "Ville du siège", "Pays du siège", "Job Start Date",
    ),
    "accounts": _ANY_KIND_BLOCKED
    + (
        "Person City", "Person State", "Person Country", "Person Zip Code", "Contact City",
        "Contact Country", "Home City", "Home State", "Home Country", "Mailing City",
        "Mailing State/Province", "Mailing Country", "Company Linkedin Url",
        "LinkedIn Company Profile URL",
    ),
    "opportunities": _ANY_KIND_BLOCKED + ("Forecast Category", "Fiscal Period", "Age"),
    "activities": _ANY_KIND_BLOCKED,
    "reps": _ANY_KIND_BLOCKED,
}

# Leading words naming the row's own record ("Deal - Stage" in a deal export is
# the deal's stage; "Person City" in a roster is the person's city): dropped
# when the whole header is not a synonym itself.
SELF_PREFIXES: dict[str, tuple[str, ...]] = {
    "roster": (
        "person", "contact", "attendee", "registrant", "lead", "member", "user", "participant",
        "guest", "visitor", "prospect", "your", "persona", "contacto", "asistente",
        "teilnehmer", "kontakt", "participante",
    ),
    "accounts": (
        "company", "account", "organization", "organisation", "org", "firm", "business",
        "empresa", "cuenta", "firma", "unternehmen", "societe", "entreprise", "compte",
    ),
    "opportunities": (
        "deal", "opportunity", "opp", "oportunidad", "opportunite", "verkaufschance",
    ),
    "activities": ("activity", "engagement", "event", "actividad", "aktivitat", "activite"),
    "reps": ("rep", "sales rep", "salesperson", "user", "employee", "owner"),
}

# Words that carry no meaning in a header; matching retries without them
# ("No. of Employees" = "Employees", "Número de teléfono" = "Teléfono").
FILLER_WORDS: frozenset[str] = frozenset(
    {
        "number", "no", "nr", "num", "nbr", "of", "the", "a", "an", "de", "del", "la", "el",
        "los", "las", "du", "des", "le", "les", "d", "l", "der", "die", "das", "von", "usd",
        "eur", "gbp", "numero", "nummer", "percent",
    }
)

# Header words too generic to mean a field on their own at the end of a longer
# header ("Event Name" is not a person's name, "Parent Account" not the account).
GENERIC_WORDS: frozenset[str] = frozenset(
    {
        "name", "id", "type", "date", "time", "status", "title", "source", "owner", "value",
        "company", "account", "stage", "code", "number", "organization", "size", "level",
        "reason", "contact", "campaign", "user", "address", "description", "score", "total",
        "count", "created", "updated", "modified", "category",
    }
)

# Any of these words anywhere in a header suggests the field (qualifier
# questions on badge scans vary: "Would you like a meeting?", "Request a demo").
KEYWORD_RULES: dict[str, tuple[tuple[frozenset[str], str, float], ...]] = {
    "roster": (
        (
            frozenset({"meeting", "demo", "reunion", "termin", "rendez", "rdv"}),
            "meeting_requested",
            0.82,
        ),
        (frozenset({"linkedin"}), "linkedin_url", 0.8),
        (frozenset({"unsubscribe", "unsubscribed", "optout"}), "opted_out", 0.8),
    ),
    "accounts": (
        (frozenset({"technologies", "technographics", "techstack"}), "technologies", 0.8),
        (frozenset({"intent"}), "intent_topics", 0.78),
        (frozenset({"funding"}), "last_funding_type", 0.6),
        (frozenset({"hiring"}), "hiring_signal", 0.8),
    ),
    "opportunities": (),
    "activities": (),
    "reps": ((frozenset({"territory", "territories"}), "regions", 0.85),),
}

# Roster name headers whose meaning depends on their neighbours: header ->
# (partner field, field it becomes when the partner is present and it is not).
# Spanish "Nombre" beside "Apellidos" is the first name; French "Nom" beside
# "Prénom" and German "Name" beside "Vorname" are the last name. Alone, each is
# the full name.
CONTEXT_NAMES: dict[str, tuple[str, str]] = {
    "nombre": ("last_name", "first_name"),
    "nom": ("first_name", "last_name"),
    "name": ("first_name", "last_name"),
}

# Headers that name no column at all: spreadsheet defaults and pandas fillers.
ANONYMOUS_HEADER_RE = (
    r"^(?:unnamed(?:[:\s_]*\d+)?(?:_level_\d+)?"
    r"|(?:column|col|field|feld|spalte|colonne|columna|campo)[\s_#:.\-]*\d*"
    r"|\d+|[a-z]{1,2}\d*|)$"
)
# fmt: on
