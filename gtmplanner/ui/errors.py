"""Error messages: the one line the command line would print, details on demand.

Never a traceback as the message: a :class:`~gtmplanner.core.errors.GtmError`
already carries a sentence a person can act on; anything else is shown as
"Something went wrong: <type>: <text>" with the traceback only behind
"Show Details...".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from gtmplanner.core.errors import GtmError


def error_line(exc: BaseException) -> str:
    """The one-line message for ``exc`` (what ``gtmplanner`` prints on stderr)."""
    if isinstance(exc, GtmError):
        text = str(exc)
    elif isinstance(exc, MemoryError):
        text = "not enough memory for this operation; close other programs or use a smaller file"
    elif isinstance(exc, OSError):
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        text = f"{where}{exc.strerror or exc}"
    else:
        text = f"something went wrong: {type(exc).__name__}: {exc}"
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] if text else "Something went wrong"


def error_details(exc: BaseException, details: str = "") -> str:
    """What "Show Details..." reveals: the chained cause, then the traceback if any."""
    parts: list[str] = []
    cause = exc.__cause__ or exc.__context__
    if cause is not None:
        parts.append(f"Caused by {type(cause).__name__}: {cause}")
    if details:
        parts.append(details.strip())
    return "\n\n".join(parts)


def error_box(parent: QWidget | None, exc: BaseException, details: str = "",
              title: str = "GTM Planner") -> QMessageBox:
    """A message box for ``exc`` (not shown yet): the line, details folded away."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(error_line(exc))
    more = error_details(exc, details)
    if more:
        box.setDetailedText(more)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setObjectName("errorBox")
    return box


def show_error(parent: QWidget | None, exc: BaseException, details: str = "",
               title: str = "GTM Planner") -> QMessageBox:
    """Show ``exc`` in a window-modal message box (non-blocking) and return the box."""
    box = error_box(parent, exc, details, title)
    box.setWindowModality(Qt.WindowModality.WindowModal if parent is not None
                          else Qt.WindowModality.ApplicationModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box
