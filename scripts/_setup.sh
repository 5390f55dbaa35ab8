# Shared set-up for scripts/app and scripts/test (sourced, not run).
# Creates .venv with Python >= 3.11, installs the project and its test tools when
# pyproject.toml changed, and installs the system libraries Qt needs when missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"

_say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

_as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        _say "need root for: $*"; return 1; fi
}

_apt_updated=0
_apt_install() {
    command -v apt-get >/dev/null || { _say "please install: $*"; return 1; }
    if [ "$_apt_updated" = 0 ]; then _as_root apt-get update -qq >&2; _apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive _as_root apt-get install -y -qq --no-install-recommends "$@" >&2
}

_pick_python() {
    for py in python3.13 python3.12 python3.11 python3; do
        if command -v "$py" >/dev/null 2>&1 && \
            "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            echo "$py"; return 0; fi
    done
    _say "GTM Planner needs Python 3.11 or newer"; return 1
}

if [ ! -x "$VENV/bin/python" ]; then
    PY="$(_pick_python)"
    _say "creating $VENV with $PY"
    if ! "$PY" -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        ver="$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        _apt_install "python${ver}-venv" || _apt_install python3-venv
        "$PY" -m venv "$VENV"
    fi
fi

STAMP="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$STAMP" ]; then
    _say "installing GTM Planner and its dependencies into .venv (first run takes a minute)"
    "$VENV/bin/python" -m pip install -q --upgrade pip >&2 2>/dev/null || true
    "$VENV/bin/python" -m pip install -q -e ".[test]" >&2
    rm -f "$VENV"/.installed-*
    touch "$STAMP"
fi

# Qt needs a few system libraries even offscreen (EGL/GL, fontconfig, xkbcommon, glib, dbus).
if ! QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -c \
    'from PySide6.QtWidgets import QApplication; QApplication([])' >/dev/null 2>&1; then
    _say "installing the system libraries Qt needs"
    _apt_install libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 \
        libfreetype6 libglib2.0-0 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
        libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-xinerama0 libxcb-image0 \
        libx11-xcb1 libxrender1 libxi6 fonts-dejavu-core || true
fi
export PATH="$VENV/bin:$PATH"
