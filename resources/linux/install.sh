#!/usr/bin/env bash
# Install the built one-folder app (dist/gtmplanner/) on Linux: the program, a
# `gtmplanner` command, the menu entry, the icons and the .gtmp file type.
#
#   resources/linux/install.sh              for you:      ~/.local/opt, ~/.local/bin, ~/.local/share
#   sudo resources/linux/install.sh --system  for everyone: /opt, /usr/local/bin, /usr/local/share
#   resources/linux/install.sh --uninstall [--system]
#
# It also works from inside an unpacked app: gtmplanner/_internal/resources/linux/install.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SYSTEM=0 UNINSTALL=0
for arg in "$@"; do
    case "$arg" in
        --system) SYSTEM=1 ;;
        --uninstall) UNINSTALL=1 ;;
        -h|--help) sed -n 2,9p "$0"; exit 0 ;;
        *) echo "unknown option: $arg" >&2; exit 2 ;;
    esac
done

if [ "$SYSTEM" = 1 ]; then
    OPT=/opt BIN=/usr/local/bin SHARE=/usr/local/share
else
    OPT="$HOME/.local/opt" BIN="$HOME/.local/bin" SHARE="${XDG_DATA_HOME:-$HOME/.local/share}"
fi
DEST="$OPT/gtmplanner"
ICON_SIZES="16 24 32 48 64 128 256 512"

if [ "$UNINSTALL" = 1 ]; then
    rm -rf "$DEST"
    rm -f "$BIN/gtmplanner" "$SHARE/applications/gtmplanner.desktop" \
        "$SHARE/mime/packages/gtmplanner.xml" "$SHARE/icons/hicolor/scalable/apps/gtmplanner.svg"
    for s in $ICON_SIZES; do rm -f "$SHARE/icons/hicolor/${s}x${s}/apps/gtmplanner.png"; done
else
    # Where is the built app? Next to us when we run from inside it, else the repo's dist/.
    if [ -x "$HERE/../../../gtmplanner" ]; then
        APP="$(cd "$HERE/../../.." && pwd)"
    elif [ -x "$HERE/../../dist/gtmplanner/gtmplanner" ]; then
        APP="$(cd "$HERE/../../dist/gtmplanner" && pwd)"
    else
        echo "no built app found: run scripts/build first" >&2
        exit 1
    fi
    ICONS="$APP/_internal/resources/icons"
    LINUX="$APP/_internal/resources/linux"

    mkdir -p "$OPT" "$BIN" "$SHARE/applications" "$SHARE/mime/packages"
    if [ "$APP" != "$DEST" ]; then
        rm -rf "$DEST.new"
        cp -a "$APP" "$DEST.new"
        rm -rf "$DEST"
        mv "$DEST.new" "$DEST"
    fi
    ln -sf "$DEST/gtmplanner" "$BIN/gtmplanner"
    # Menus do not always have ~/.local/bin on PATH: point the entry at the program itself.
    sed -e "s|^Exec=gtmplanner|Exec=$DEST/gtmplanner|" \
        -e "s|^TryExec=gtmplanner|TryExec=$DEST/gtmplanner|" \
        "$LINUX/gtmplanner.desktop" > "$SHARE/applications/gtmplanner.desktop"
    cp "$LINUX/gtmplanner-mime.xml" "$SHARE/mime/packages/gtmplanner.xml"
    for s in $ICON_SIZES; do
        mkdir -p "$SHARE/icons/hicolor/${s}x${s}/apps"
        cp "$ICONS/gtmplanner-$s.png" "$SHARE/icons/hicolor/${s}x${s}/apps/gtmplanner.png"
    done
    mkdir -p "$SHARE/icons/hicolor/scalable/apps"
    cp "$ICONS/gtmplanner.svg" "$SHARE/icons/hicolor/scalable/apps/gtmplanner.svg"
fi

# Refresh the desktop's caches when the tools are there (they are optional).
command -v update-desktop-database >/dev/null && update-desktop-database -q "$SHARE/applications" || true
command -v update-mime-database >/dev/null && update-mime-database "$SHARE/mime" >/dev/null || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" || true

if [ "$UNINSTALL" = 1 ]; then
    echo "GTM Planner removed from $DEST"
else
    echo "GTM Planner installed in $DEST; run 'gtmplanner' or find it in the applications menu"
    case ":$PATH:" in *":$BIN:"*) ;; *) echo "note: $BIN is not on your PATH" ;; esac
fi
