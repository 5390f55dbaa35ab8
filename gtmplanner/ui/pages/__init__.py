"""The pages of the main window, in navigation order.

Each entry names a factory ``factory(ctx: PageContext) -> QWidget`` as
``"module:function"`` (imported when the page is first shown) or as a callable; the
convention is ``gtmplanner/ui/pages/<name>_page.py`` with ``make_page(ctx)``. A page
whose module does not exist yet is left out quietly, so a page can be added by
creating its module at the path listed here; a page whose module fails to import
shows the error in its place. Pages are built the first time they are shown and
rebuilt when another project is opened.

Optional hooks a page widget may define:

* ``focus_filter()`` — Ctrl+F puts the cursor in its filter box;
* ``page_shown()`` — called each time the page becomes the current one;
* ``busy() -> bool`` — True while it has unsaved edits or work running (asked
  before the window closes).

At run time ``MainWindow.register_page(name, factory, title=..., group=...)``
adds a page the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from gtmplanner.ui.context import PageContext

PageFactory = Callable[["PageContext"], "QWidget"]


@dataclass(frozen=True)
class Page:
    """One page of the navigation."""

    name: str  # stable id ("people"); used in settings and tests
    title: str  # shown in the navigation
    factory: str | PageFactory  # "package.module:function" or a callable
    group: str = "Plan"  # navigation section: Data, Plan or Act
    tooltip: str = ""


GROUPS = ("Data", "Plan", "Act")

PAGES: list[Page] = [
    Page("people", "People", "gtmplanner.ui.pages.tables:people_page", "Data",
         "Everyone in the project: fit score, MQL status, account, distance (Ctrl+1)"),
    Page("accounts", "Accounts", "gtmplanner.ui.pages.tables:accounts_page", "Data",
         "Companies from account lists and the CRM"),
    Page("opportunities", "Opportunities", "gtmplanner.ui.pages.tables:opportunities_page",
         "Data", "Deals: open, stalled and closed-lost"),
    Page("imports", "Imports", "gtmplanner.ui.pages.imports_page:make_page", "Data",
         "Files imported into the project; remove one with its rows (Ctrl+Z undoes)"),
    Page("icp", "ICP profile", "gtmplanner.ui.pages.icp_page:make_page", "Plan",
         "Criteria and weights of the fit score"),
    Page("event", "Event & map", "gtmplanner.ui.pages.event_page:make_page", "Plan",
         "Where and when the event is; attendees on a map"),
    Page("segments", "Segments", "gtmplanner.ui.pages.segments_page:make_page", "Plan",
         "Rules that put people on outreach lists"),
    Page("reps", "Reps", "gtmplanner.ui.pages.reps_page:make_page", "Plan",
         "Reps, territories, capacity and assignment"),
    Page("templates", "Templates", "gtmplanner.ui.pages.templates_page:make_page", "Plan",
         "Messages with merge fields and a live preview"),
    Page("targets", "Targets", "gtmplanner.ui.pages.tables:targets_page", "Act",
         "Who is on which rep's list and where they stand"),
    Page("export", "Export & Sync", "gtmplanner.ui.pages.export_page:make_page", "Act",
         "Target sheets and trackers out; filled-in trackers back"),
    Page("dashboard", "Dashboard", "gtmplanner.ui.pages.dashboard_page:make_page", "Act",
         "Follow-up, conversion and channels, per rep and per event"),
]
