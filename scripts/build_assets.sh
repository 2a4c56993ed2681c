#!/usr/bin/env bash
# Copy GOV.UK Frontend's built CSS, JS and images from node_modules into the web package.
# The GDS Transport typeface is licensed for GOV.UK services only, so its files are not copied,
# its @font-face rules are removed and every font stack falls back to the system's sans-serif.
# Usage: npm ci && bash scripts/build_assets.sh
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/govuk-frontend/dist/govuk
out=src/carewatch/web/static/govuk
[ -f "$src/govuk-frontend.min.css" ] || { echo "run 'npm ci' first" >&2; exit 1; }
version=$(node -p "require('./node_modules/govuk-frontend/package.json').version")

rm -rf "$out"
mkdir -p "$out/images"
cp "$src/govuk-frontend.min.js" "$out/"
cp "$src"/assets/images/* "$out/images/"
cp "$src/assets/manifest.json" "$out/"
system_fonts='system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'
sed -e 's/@font-face{[^}]*}//g' \
    -e "s/font-family:GDS Transport,arial,sans-serif/font-family:${system_fonts}/g" \
    -e "s/font-family:GDS Transport/font-family:${system_fonts}/g" \
    -e 's#url(/assets/images/#url(images/#g' \
    -e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
    "$src/govuk-frontend.min.css" > "$out/govuk-frontend.min.css"
sed -i -e 's#//\# sourceMappingURL=.*$##' "$out/govuk-frontend.min.js"
if grep -q "GDS Transport\|/assets/fonts" "$out/govuk-frontend.min.css"; then
  echo "GDS Transport is still referenced in $out/govuk-frontend.min.css" >&2; exit 1
fi
echo "$version" > "$out/VERSION"
echo "GOV.UK Frontend $version copied to $out (fonts stripped)"
