// Writes an HTML page that shows a BPMN file with the bpmn-js viewer from node_modules, for a headless screenshot:
//   node render.mjs ../../processes/vroegsignalering.bpmn /tmp/vs.html [x,y,width,height]   (default: all of it)
// then: chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 \
//         --screenshot=/tmp/vs.png --window-size=2400,1400 file:///tmp/vs.html
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [input, output, viewbox] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node render.mjs DIAGRAM.bpmn OUT.html [X,Y,WIDTH,HEIGHT]');
  process.exit(2);
}
const dist = path.join(here, 'node_modules', 'bpmn-js', 'dist');
const xml = fs.readFileSync(input, 'utf8');
const html = `<!doctype html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="file://${dist}/assets/bpmn-js.css">
<style>html, body, #canvas { margin: 0; width: 100%; height: 100%; background: white; }</style>
<script src="file://${dist}/bpmn-viewer.development.js"></script>
</head><body><div id="canvas"></div>
<script>
  const viewer = new BpmnJS({ container: '#canvas' });
  viewer.importXML(${JSON.stringify(xml)}).then(({ warnings }) => {
    const canvas = viewer.get('canvas');
    ${viewbox ? `const [x, y, width, height] = ${JSON.stringify(viewbox.split(',').map(Number))}; canvas.viewbox({ x, y, width, height });` : "canvas.zoom('fit-viewport');"}
    document.title = 'ok ' + warnings.length;
    if (warnings.length) document.body.insertAdjacentHTML('beforeend', '<pre id="warnings">' + warnings.map(w => w.message).join('\\n') + '</pre>');
  }).catch(err => { document.body.innerHTML = '<pre>' + err + '</pre>'; });
</script></body></html>`;
fs.writeFileSync(output, html);
