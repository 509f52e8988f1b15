#!/bin/sh
# Render the app icon's PNG sizes from its SVG (resources/icons, which the window uses
# too) with rsvg-convert (Debian: librsvg2-bin). The PNGs are committed, so installing
# never needs this.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
svg="$here/../../resources/icons/org.roundtable.Roundtable.svg"
for size in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" "$svg" -o "$here/icons/org.roundtable.Roundtable-$size.png"
done
