#!/bin/sh
# Install the built bundle (dist/roundtable) for this user, or system-wide with
# PREFIX=/usr/local (as root): the app, its menu entry, icons, the transcript file type
# and its AppStream metadata.
#
#   packaging/linux/install.sh [BUNDLE]        install (BUNDLE: default dist/roundtable)
#   packaging/linux/install.sh --uninstall     remove what it installed
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
resources="$here/../../resources"
id=org.roundtable.Roundtable
prefix=${PREFIX:-"$HOME/.local"}
case $prefix in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac  # the entry names it in full
data=${XDG_DATA_HOME:-"$prefix/share"}
[ -n "${PREFIX:-}" ] && data="$prefix/share"
app="$prefix/lib/roundtable"

refresh() {
  # Each is optional: a desktop without them reads the folders at its next start.
  command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$app"
  # The command only if it is ours (another roundtable there is left alone).
  [ "$(readlink "$prefix/bin/roundtable" 2>/dev/null)" = "$app/roundtable" ] &&
    rm -f "$prefix/bin/roundtable"
  rm -f "$data/applications/$id.desktop" \
    "$data/metainfo/$id.metainfo.xml" "$data/mime/packages/$id.xml" \
    "$data/icons/hicolor/scalable/apps/$id.svg"
  for size in 16 24 32 48 64 128 256 512; do
    rm -f "$data/icons/hicolor/${size}x${size}/apps/$id.png"
  done
  refresh
  echo "Roundtable removed from $prefix."
  exit 0
fi

bundle=${1:-"$here/../../dist/roundtable"}
if [ ! -x "$bundle/roundtable" ]; then
  echo "No bundle at $bundle: build it first with python3 packaging/build.py" >&2
  exit 1
fi
mkdir -p "$prefix/bin" "$data/applications" "$data/metainfo" "$data/mime/packages" \
  "$data/icons/hicolor/scalable/apps"
rm -rf "$app"
mkdir -p "$(dirname "$app")"
cp -R "$bundle" "$app"
if [ -e "$prefix/bin/roundtable" ] && [ ! -L "$prefix/bin/roundtable" ]; then
  echo "Left $prefix/bin/roundtable alone (not ours); run $app/roundtable" >&2
else
  ln -sf "$app/roundtable" "$prefix/bin/roundtable"
fi
# The menu entry names the installed executable, quoted as the Desktop Entry spec
# asks (a space, quote, backquote, dollar or backslash escaped; % doubled), so it works
# without PATH changes wherever the home folder is.
exec_path=$(printf '%s' "$app/roundtable" | sed -e 's/[\\"`$]/\\&/g' -e 's/%/%%/g')
{
  grep -v '^Exec=' "$resources/linux/$id.desktop"
  printf 'Exec="%s" %%F\n' "$exec_path"
} > "$data/applications/$id.desktop"
cp "$resources/linux/$id.metainfo.xml" "$data/metainfo/"
cp "$resources/linux/$id.mime.xml" "$data/mime/packages/$id.xml"
cp "$resources/icons/$id.svg" "$data/icons/hicolor/scalable/apps/"
for size in 16 24 32 48 64 128 256 512; do
  mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
  cp "$resources/icons/$id-$size.png" "$data/icons/hicolor/${size}x${size}/apps/$id.png"
done
refresh
echo "Roundtable installed in $app; run it from the menu or as $prefix/bin/roundtable."
