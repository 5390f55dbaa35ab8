"""Time the window on a 1,000,000-person project (offscreen).

    .venv/bin/python benchmarks/bench_gui.py [--people 1000000] [--project PATH] [--rebuild]

Prints: time to the first painted rows of the People table after opening the
project (a preview of the first rows is painted while the rest loads), time
until the whole table is loaded (the shown columns; the others are read when
shown), until the quick filter is prepared in the background, the first paint
of a bare model over in-memory arrays (the reference), the average ``data()``
call while scrolling through the table, the re-filter time after each
quick-filter keystroke, the time to show a column not read yet and to fill the
detail pane, and the peak memory of the process. The project is built once
with one ``executemany`` of generated rows and kept for the next run.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gtmplanner.core.store import Project  # noqa: E402

BARS = {"first_paint_s": 1.0, "data_us": 50.0, "filter_ms": 150.0, "peak_mb": 2048.0,
        "open_s": 3.0}


def build_project(path: Path, n: int, seed: int = 1) -> float:
    """A scored-looking project of ``n`` people (and 20,000 accounts), one executemany."""
    t0 = time.perf_counter()
    if path.exists():
        path.unlink()
    rng = np.random.default_rng(seed)
    p = Project.create(path)
    firsts = np.array("Liam Noah Emma Olivia Ava Sophia Mia Lucas Mateo Chloé Aisha Jordan "
                      "Priya Kenji Hannah Omar Sara Ivan Lena Marco".split(), dtype=object)
    lasts = np.array("Novak Singh Rossi Lindqvist Smith Garcia Müller Chen Kim Patel Dubois "
                     "Nakamura Silva Khan Ivanova Jensen Costa Brown Lee Okafor".split(),
                     dtype=object)
    titles = np.array(["Director of Demand Generation", "VP Marketing", "Sales Operations "
                       "Manager", "Intern", "CMO", "Head of RevOps", "Marketing Manager",
                       "Account Executive", "CFO", "Software Engineer"], dtype=object)
    places = [("Boston", "MA", "US", 42.36, -71.06), ("New York", "NY", "US", 40.71, -74.0),
              ("Toronto", "ON", "CA", 43.7, -79.4), ("Hamburg", None, "DE", 53.55, 9.99),
              ("Chicago", "IL", "US", 41.88, -87.63), ("Worcester", "MA", "US", 42.26, -71.8),
              ("London", None, "GB", 51.5, -0.12), ("Austin", "TX", "US", 30.27, -97.74)]
    n_acc = 20_000
    acc_name = np.array([f"Company {i:05d}" for i in range(n_acc)], dtype=object)
    acc_dom = np.array([f"company{i:05d}.com" for i in range(n_acc)], dtype=object)
    inds = np.array(["Software", "Logistics", "Financial Services", "Healthcare",
                     "Manufacturing", "Retail"], dtype=object)
    with p.transaction() as c:
        c.executemany(
            "INSERT INTO accounts (id, name, domain, industry, employees, revenue, hq_country,"
            " owner) VALUES (?,?,?,?,?,?,?,?)",
            zip(range(1, n_acc + 1), acc_name.tolist(), acc_dom.tolist(),
                inds[rng.integers(0, len(inds), n_acc)].tolist(),
                rng.integers(10, 50_000, n_acc).astype(float).tolist(),
                (rng.integers(1, 5_000, n_acc) * 1e5).tolist(), ["US"] * n_acc,
                np.array(["Dana Whit", "Sam Ortiz", "Alex Kim", "Rita Moreno"], dtype=object)[
                    rng.integers(0, 4, n_acc)].tolist(), strict=True))
        c.execute("INSERT INTO events (name, city, region, country, latitude, longitude,"
                  " start_date, end_date, created_at) VALUES ('Big Summit 2026', 'Boston', 'MA',"
                  " 'US', 42.36, -71.06, '2026-12-08', '2026-12-09', '2026-01-01')")
    ids = np.arange(1, n + 1)
    first = firsts[rng.integers(0, len(firsts), n)]
    last = lasts[rng.integers(0, len(lasts), n)]
    acc = rng.integers(0, n_acc, n)
    email = (np.char.lower((first + "." + last).astype(str)).astype(object)
             + ids.astype(str).astype(object) + "@" + acc_dom[acc])
    where = rng.integers(0, len(places), n)
    col = list(zip(*places, strict=True))
    lat = np.array(col[3])[where] + rng.normal(0, 0.2, n)
    lon = np.array(col[4])[where] + rng.normal(0, 0.2, n)
    score = rng.integers(0, 100, n)
    tier = np.where(score >= 70, "A", np.where(score >= 50, "B",
                                               np.where(score >= 30, "C", "D"))).astype(object)
    reasons = np.array(["+25 industry Software|+18 Director-level marketing persona|+10 based "
                        "in United States (North America)", "+10 based in Canada (North "
                        "America)|+5 budget holder", "+30 uses Salesforce|-10 competitor "
                        "customer|+12 hiring surge"], dtype=object)[rng.integers(0, 3, n)]
    mql = np.array([None] * 6 + ["hot", "warm"], dtype=object)[rng.integers(0, 8, n)]
    matched = rng.random(n) < 0.7
    cols = ["id", "first_name", "last_name", "full_name", "email", "title", "company", "domain",
            "city", "region", "country", "latitude", "longitude", "score", "tier", "reasons",
            "mql_status", "account_id", "match_method", "match_confidence", "geo_label",
            "geo_precision", "registration_type", "opted_out"]
    city = np.array(col[0], dtype=object)[where]
    country = np.array(col[2], dtype=object)[where]
    data = [ids.tolist(), first.tolist(), last.tolist(), (first + " " + last).tolist(),
            email.tolist(), titles[rng.integers(0, len(titles), n)].tolist(),
            acc_name[acc].tolist(), acc_dom[acc].tolist(), city.tolist(),
            np.array(col[1], dtype=object)[where].tolist(), country.tolist(),
            lat.round(5).tolist(), lon.round(5).tolist(), score.tolist(), tier.tolist(),
            reasons.tolist(), mql.tolist(),
            [int(a) + 1 if m else None for a, m in zip(acc.tolist(), matched.tolist(),
                                                      strict=True)],
            np.where(matched, "domain", None).tolist(),
            [1.0 if m else None for m in matched.tolist()], (city + ", " + country).tolist(),
            ["city"] * n, np.array(["General Admission", "VIP", "Exhibitor"], dtype=object)[
                rng.integers(0, 3, n)].tolist(), [0] * n]
    with p.transaction() as c:
        c.executemany(f"INSERT INTO people ({', '.join(cols)}) VALUES "
                      f"({', '.join('?' * len(cols))})", zip(*data, strict=True))
        c.executemany("INSERT INTO event_people (event_id, person_id, registration_type)"
                      " VALUES (1, ?, 'General Admission')", ((int(i),) for i in ids))
    p.close()
    return time.perf_counter() - t0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--project", type=Path, default=None)
    ap.add_argument("--rebuild", action="store_true")
    a = ap.parse_args(argv)
    path = a.project or Path(tempfile.gettempdir()) / f"gtm-bench-gui-{a.people}.gtmp"
    if a.rebuild or not path.exists():
        print(f"building {a.people:,} people in {path} ...", flush=True)
        print(f"  built in {build_project(path, a.people):.1f} s", flush=True)

    from PySide6.QtCore import QEvent, QObject, QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from gtmplanner.ui import workers
    from gtmplanner.ui.main_window import MainWindow
    from gtmplanner.ui.settings import Settings

    app = QApplication([])
    app.setStyle("Fusion")
    settings = Settings(QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"),
                                  QSettings.Format.IniFormat))
    out: dict[str, float] = {}

    class PaintWatch(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.at: float | None = None
            self.model = None

        def eventFilter(self, obj, ev):  # noqa: ANN001, N802
            if (ev.type() == QEvent.Type.Paint and self.at is None and self.model is not None
                    and self.model.rowCount() > 0):
                self.at = time.perf_counter()
            return False

    # -- the window on the project ---------------------------------------------------------
    win = MainWindow(settings, restore=False)
    win.resize(1400, 900)
    win.show()
    app.processEvents()
    watch = PaintWatch()
    t0 = time.perf_counter()
    win.open_project(path)
    page = win.page("people")
    view = page.table_view
    watch.model = view.model
    view.view.viewport().installEventFilter(watch)
    while watch.at is None and time.perf_counter() - t0 < 60:
        app.processEvents()
    out["first_paint_s"] = (watch.at or time.perf_counter()) - t0
    while page.loaded_count < a.people and time.perf_counter() - t0 < 600:
        app.processEvents()
        time.sleep(0.005)
    out["open_s"] = time.perf_counter() - t0
    while workers.running_ops():
        app.processEvents()
        time.sleep(0.005)
    prepared_s = time.perf_counter() - t0
    app.processEvents()
    print(f"first paint of the People table (preview rows): {out['first_paint_s']:.3f} s")
    print(f"whole table loaded ({page.loaded_count:,} rows, sortable, filterable): "
          f"{out['open_s']:.2f} s")
    table = view.model.table
    print(f"  {sum(c.loaded for c in table.columns)} of {len(table.columns)} columns read "
          f"(the others when shown); quick filter prepared in the background by "
          f"{prepared_s:.2f} s")

    # -- scrolling: time every data() call ---------------------------------------------------
    model = view.model
    calls = [0, 0.0]
    original = model.data

    def timed(index, role=Qt.ItemDataRole.DisplayRole):  # noqa: ANN001, ANN202
        s = time.perf_counter()
        r = original(index, role)
        calls[1] += time.perf_counter() - s
        calls[0] += 1
        return r

    model.data = timed  # type: ignore[method-assign]
    bar = view.view.verticalScrollBar()
    steps = 300
    t_scroll = time.perf_counter()
    for i in range(steps):
        bar.setValue(int(bar.maximum() * i / (steps - 1)))
        view.view.viewport().repaint()
    scroll_s = time.perf_counter() - t_scroll
    model.data = original  # type: ignore[method-assign]
    out["data_us"] = calls[1] / max(1, calls[0]) * 1e6
    print(f"scrolling: {steps} pages painted in {scroll_s:.2f} s "
          f"({scroll_s / steps * 1000:.1f} ms a page), {calls[0]:,} data() calls from Qt, "
          f"average {out['data_us']:.2f} us each")
    idx = [model.index(r, c) for r in range(0, 40) for c in range(model.columnCount())]
    s = time.perf_counter()
    for _ in range(20):
        for ix in idx:
            original(ix, Qt.ItemDataRole.DisplayRole)
    direct = (time.perf_counter() - s) / (20 * len(idx)) * 1e6
    print(f"data() on cached cells, called directly: {direct:.2f} us")

    # -- quick filter keystrokes -------------------------------------------------------------
    times = []
    for text in ("b", "bo", "bos", "bost", "bosto", "boston", "boston d", "z", "novak", ""):
        view.filter_edit.setText(text)
        ms = view.apply_filter()
        app.processEvents()
        times.append((text, ms, model.rowCount()))
    print("re-filter after each keystroke: " + ", ".join(
        f"'{t}' {ms:.0f} ms ({n:,})" for t, ms, n in times))
    out["filter_ms"] = max(ms for _t, ms, _n in times)

    # -- sorting -----------------------------------------------------------------------------
    for name in ("company", "full_name"):
        c = model.table.position(name)
        s = time.perf_counter()
        view.view.sortByColumn(c, Qt.SortOrder.AscendingOrder)
        first = time.perf_counter() - s
        s = time.perf_counter()
        view.view.sortByColumn(c, Qt.SortOrder.DescendingOrder)
        print(f"sort by {name}: {first * 1000:.0f} ms (key made), reverse "
              f"{(time.perf_counter() - s) * 1000:.0f} ms")

    # -- a column not read yet, shown from the column chooser -------------------------------
    for name in ("match_method", "account_industry"):
        action = next((x for x in view.columns_menu.actions() if x.data() == name), None)
        if action is None or model.table.column(name).loaded:  # type: ignore[union-attr]
            continue
        s = time.perf_counter()
        action.trigger()
        while (not model.table.column(name).loaded  # type: ignore[union-attr]
               and time.perf_counter() - s < 60):
            app.processEvents()
            time.sleep(0.002)
        print(f"show a column not read yet ({name}): {(time.perf_counter() - s) * 1000:.0f} ms"
              " (read on a worker)")
    while workers.running_ops():
        app.processEvents()
        time.sleep(0.005)

    # -- the detail pane: the selected person read in full -----------------------------------
    if page.detail is not None:
        s = time.perf_counter()
        for r in range(0, 2000, 100):
            view.view.selectRow(r)
        print(f"detail pane for the selected person: "
              f"{(time.perf_counter() - s) / 20 * 1000:.1f} ms a row")

    # -- the reference: a bare model over arrays ---------------------------------------------
    import pandas as pd

    from gtmplanner.ui.columns import ColumnTable
    from gtmplanner.ui.table_view import TableView
    n = a.people
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"name": pd.array(np.char.add("name ", np.arange(n).astype(str)),
                                           dtype="string[pyarrow]"),
                          "score": rng.integers(0, 100, n), "x": rng.random(n)})
    bare = TableView("bare")
    bare.resize(1000, 700)
    bare.show()
    watch2 = PaintWatch()
    watch2.model = bare.model
    bare.view.viewport().installEventFilter(watch2)
    s = time.perf_counter()
    bare.set_table(ColumnTable(frame))
    while watch2.at is None and time.perf_counter() - s < 30:
        app.processEvents()
    print(f"reference: first paint of a bare {n:,}-row model over arrays: "
          f"{(watch2.at or time.perf_counter()) - s:.3f} s")

    out["peak_mb"] = _peak_mb()
    print(f"peak memory (max RSS): {out['peak_mb']:,.0f} MB")
    fails = [k for k, bar_ in BARS.items() if out.get(k, 0) > bar_]
    print("bars: " + ", ".join(f"{k} {out[k]:.3g} (bar {BARS[k]:g})" for k in BARS if k in out))
    print("within the bars" if not fails else f"OVER THE BAR: {', '.join(fails)}")
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
