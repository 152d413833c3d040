#!/usr/bin/env bash
# Copy the built front-end assets Vroeg serves (and axe-core for the browser tests) out of npm packages.
# Usage: cd tools/vendor && npm ci && ./update.sh   (versions: package.json / package-lock.json here)
# The copies are committed, so neither `make run` nor CI needs npm; rerun this after changing package.json.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=../..
STATIC=$ROOT/webapp/static/vendor
NM=node_modules

copy() {  # copy SRC... DEST_DIR
  local dest=${*: -1}
  mkdir -p "$dest"
  cp -R "${@:1:$#-1}" "$dest"/
}

rm -rf "$STATIC" "$ROOT/tests/browser/vendor"

# bpmn-js: modeler and navigated viewer (UMD builds, global BpmnJS), their CSS and font.
copy $NM/bpmn-js/dist/bpmn-modeler.production.min.js $NM/bpmn-js/dist/bpmn-navigated-viewer.production.min.js \
  $NM/bpmn-js/LICENSE $STATIC/bpmn-js
copy $NM/bpmn-js/dist/assets/bpmn-js.css $NM/bpmn-js/dist/assets/diagram-js.css $NM/bpmn-js/dist/assets/bpmn-font \
  $STATIC/bpmn-js/assets

# dmn-js: modeler and viewer (global DmnJS), CSS and font.
copy $NM/dmn-js/dist/dmn-modeler.production.min.js $NM/dmn-js/dist/dmn-navigated-viewer.production.min.js \
  $NM/dmn-js/LICENSE $STATIC/dmn-js
copy $NM/dmn-js/dist/assets/*.css $NM/dmn-js/dist/assets/dmn-font $STATIC/dmn-js/assets
# Its bundles carry Inferno's development build: drop the console announcement of that (tools/vendor/quiet_inferno.py).
python3 "$ROOT/tools/vendor/quiet_inferno.py" $STATIC/dmn-js/dmn-modeler.production.min.js \
  $STATIC/dmn-js/dmn-navigated-viewer.production.min.js

# NL Design System: the Utrecht component library CSS (EUPL-1.2) and the open "voorbeeld" theme's design tokens
# (EUPL-1.2; the theme class voorbeeld-theme). Not @utrecht/design-tokens: that is Gemeente Utrecht's own house
# style, "all rights reserved", not licensed for use by others.
copy $NM/@utrecht/component-library-css/dist/index.css $NM/@utrecht/component-library-css/LICENSE* \
  $STATIC/utrecht/component-library-css
copy $NM/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css \
  $NM/@nl-design-system-unstable/voorbeeld-design-tokens/LICENSE* $STATIC/voorbeeld-design-tokens

# axe-core is test-only: it goes beside the browser tests, not into what the app serves.
copy $NM/axe-core/axe.min.js $NM/axe-core/LICENSE $ROOT/tests/browser/vendor/axe-core

# One line per package with its version and licence, for the notice file.
{
  echo "Third-party front-end assets in this folder, copied by tools/vendor/update.sh from npm:"
  for pkg in bpmn-js dmn-js @utrecht/component-library-css @nl-design-system-unstable/voorbeeld-design-tokens; do
    node -e "const p=require('./$NM/$pkg/package.json'); console.log('- '+p.name+' '+p.version+' ('+p.license+')')"
  done
  echo "Each package's own licence file lies beside its assets."
} > "$STATIC/NOTICE.txt"
echo "vendored into $STATIC and tests/browser/vendor"
