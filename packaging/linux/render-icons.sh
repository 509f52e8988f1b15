#!/bin/sh
# Render the app icon's PNG sizes beside its SVG in resources/icons (the SVG is also the
# window's icon) with rsvg-convert (Debian: librsvg2-bin). The PNGs are committed, so
# installing never needs this.
set -eu
icons=$(cd "$(dirname "$0")/../../resources/icons" && pwd)
for size in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" "$icons/org.roundtable.Roundtable.svg" \
    -o "$icons/org.roundtable.Roundtable-$size.png"
done
