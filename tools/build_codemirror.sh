#!/bin/sh
# Rebuild the lab's vendored editor: src/neuronlab/lab/static/vendor/codemirror.js, one
# minified ES module with the parts of CodeMirror 6 listed in tools/codemirror/entry.js,
# and its licence text beside it. Needs node and npm; the learner needs neither.
#   sh tools/build_codemirror.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../src/neuronlab/lab/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/codemirror/package.json" "$here/codemirror/entry.js" "$work/"
cd "$work"
npm install --ignore-scripts --no-audit --no-fund >/dev/null
npx esbuild entry.js --bundle --format=esm --minify --legal-comments=none \
    --outfile="$out/codemirror.js"
node -e '
const fs = require("fs"), path = require("path");
const seen = [];
function walk(dir) {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(".")) continue;
    const full = path.join(dir, name);
    if (name.startsWith("@")) { walk(full); continue; }
    if (/esbuild/.test(full)) continue;
    const meta = JSON.parse(fs.readFileSync(path.join(full, "package.json"), "utf8"));
    const licence = fs.readdirSync(full).find((f) => /^licen[sc]e/i.test(f));
    seen.push(`${meta.name} ${meta.version} (${meta.license})\n\n` +
      (licence ? fs.readFileSync(path.join(full, licence), "utf8").trim() : "") + "\n");
  }
}
walk("node_modules");
process.stdout.write("codemirror.js bundles the following packages.\n\n" +
  seen.join("\n" + "-".repeat(72) + "\n\n"));
' > "$out/codemirror.LICENSE.txt"
echo "wrote $out/codemirror.js and codemirror.LICENSE.txt"
