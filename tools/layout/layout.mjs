// Lays out a BPMN file: writes its diagram interchange (BPMNDiagram) and leaves every other byte as it was.
//
//   node layout.mjs ../../processes/vroegsignalering.bpmn [--check]
//
// For a diagram with a layout plan (plans/NAME.mjs, a grid cell per element) the plan is used: lanes, expanded
// subprocesses, the event subprocess, boundary events and data objects all get their place. Any other diagram, or
// one with elements the plan does not know yet, is laid out by bpmn-auto-layout (no lanes, subprocesses collapsed)
// and the missing elements are named, so that they can be added to the plan. --check only reports whether the file
// is laid out as the plan says (exit 1 if not).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { BpmnModdle } from 'bpmn-moddle';
import { layoutProcess } from 'bpmn-auto-layout';

const here = path.dirname(fileURLToPath(import.meta.url));
const SIZE = {
  task: [120, 80], gateway: [50, 50], event: [36, 36], data: [36, 50],
};
const DIAGRAM_RE = /\n?[ \t]*<bpmndi:BPMNDiagram[\s\S]*<\/bpmndi:BPMNDiagram>/;

// --- reading ------------------------------------------------------------------------------------------------------

function kindOf(el) {
  const t = el.$type;
  if (t.endsWith('Gateway')) return 'gateway';
  if (t.endsWith('Event')) return 'event';
  if (t === 'bpmn:DataObjectReference') return 'data';
  if (t === 'bpmn:SubProcess') return 'subprocess';
  return 'task';
}

function collect(container, into) {
  for (const el of container.flowElements || []) {
    if (el.$type === 'bpmn:SequenceFlow' || el.$type === 'bpmn:DataObject') continue;
    into.push({ el, container });
    if (el.$type === 'bpmn:SubProcess') collect(el, into);
  }
  return into;
}

// --- geometry -------------------------------------------------------------------------------------------------------

const mid = (b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
const round = (n) => Math.round(n);

function boxAt(cx, cy, kind, size) {
  const [w, h] = size || SIZE[kind];
  return { x: round(cx - w / 2), y: round(cy - h / 2), width: w, height: h };
}

// Orthogonal route between two placed elements (see README: the rules, and `route` overrides in the plan).
function route(src, tgt, hint) {
  const s = mid(src.bounds), t = mid(tgt.bounds);
  const S = src.bounds, T = tgt.bounds;
  const right = t.x > s.x;
  const sideX = (b, toRight) => (toRight ? b.x + b.width : b.x);
  if (hint && hint.points) return hint.points;  // a route drawn by hand in the plan (absolute waypoints)
  if (hint && hint.loop !== undefined) {  // backwards, over the top (or under the bottom) at a fixed y
    const up = hint.loop < s.y;
    return [
      { x: s.x, y: up ? S.y : S.y + S.height }, { x: s.x, y: hint.loop }, { x: t.x, y: hint.loop },
      { x: t.x, y: up ? T.y : T.y + T.height },
    ];
  }
  const sy = src.kind === 'subprocess' ? (hint && hint.y) || s.y : s.y;
  const ty = tgt.kind === 'subprocess' ? (hint && hint.y) || sy : t.y;
  if (Math.abs(sy - ty) < 2) {
    return [{ x: sideX(S, right), y: sy }, { x: sideX(T, !right), y: ty }];
  }
  const below = t.y > s.y;
  if (tgt.kind === 'gateway' && src.kind !== 'boundary') {  // into a merge: across, then up or down into it
    return [{ x: sideX(S, right), y: s.y }, { x: t.x, y: s.y }, { x: t.x, y: below ? T.y : T.y + T.height }];
  }
  if (src.kind === 'gateway' || src.kind === 'boundary') {  // out of a split: up or down, then across
    return [{ x: s.x, y: below ? S.y + S.height : S.y }, { x: s.x, y: t.y }, { x: sideX(T, !right), y: t.y }];
  }
  const mx = round((sideX(S, right) + sideX(T, !right)) / 2);
  return [{ x: sideX(S, right), y: s.y }, { x: mx, y: s.y }, { x: mx, y: t.y }, { x: sideX(T, !right), y: t.y }];
}

// A flow's label sits above the first horizontal leg, as wide as that leg allows (wrapping onto more lines).
function flowLabel(points, name, fromGateway) {
  const text = name.length * 6.0;
  let i = points.findIndex((p, k) => k > 0 && Math.abs(p.y - points[k - 1].y) < 1);
  if (i < 0) i = 1;
  const a = points[i - 1], c = points[i];
  const start = (i === 1 && fromGateway) ? 14 : 8;  // clear of the default-flow marker
  const room = Math.max(40, Math.abs(c.x - a.x) - start - 4);
  const width = round(Math.min(room, Math.max(30, text)));
  const lines = Math.ceil(text / width);
  const height = 14 * lines;
  const x = c.x >= a.x ? a.x + start : a.x - start - width;
  return { x: round(x), y: round(a.y - height - 3), width, height };
}

// --- the planned layout -----------------------------------------------------------------------------------------------

function planned(model, plan) {
  const placed = new Map();
  const elements = collect(model.process, []);
  const missing = elements.filter(({ el }) => !(el.id in plan.elements)).map(({ el }) => el.id);
  if (missing.length) return { missing };

  const place = (id) => {
    if (placed.has(id)) return placed.get(id);
    const { el, container } = elements.find((e) => e.el.id === id);
    const spec = plan.elements[id];
    let kind = kindOf(el);
    let bounds;
    if (el.$type === 'bpmn:BoundaryEvent') {
      const host = place(el.attachedToRef.id).bounds;
      const cx = host.x + host.width * spec.at;
      bounds = boxAt(cx, spec.top ? host.y : host.y + host.height, 'event');
      kind = 'boundary';
    } else if (kind === 'subprocess') {
      bounds = plan.subprocessBounds(id);
    } else {
      const { x, y } = plan.position(spec, container.id === model.process.id ? null : container.id);
      bounds = boxAt(x, y, kind, spec.size);
    }
    const entry = { el, kind, bounds, spec, container };
    placed.set(id, entry);
    return entry;
  };
  elements.forEach(({ el }) => place(el.id));

  const shapes = [];
  const edges = [];
  for (const { el, kind, bounds, spec } of placed.values()) {
    let label = null;
    if (el.name && kind !== 'task' && kind !== 'subprocess') {
      const lw = spec.labelWidth || (kind === 'gateway' ? 120 : 100);
      const side = spec.label || { gateway: 'above-left', data: 'right' }[kind] || 'below';
      const m = mid(bounds);
      const lh = 40;
      label = {
        below: { x: m.x - lw / 2, y: bounds.y + bounds.height + 4 },
        above: { x: m.x - lw / 2, y: bounds.y - lh - 2 },
        right: { x: bounds.x + bounds.width + 6, y: m.y - lh / 2 + (kind === 'boundary' ? 20 : 0) },
        left: { x: bounds.x - lw - 6, y: m.y - lh / 2 },
        'above-left': { x: bounds.x - lw + 22, y: bounds.y - lh - 20 },
        'above-right': { x: m.x + 8, y: bounds.y - lh - 4 },
        'below-left': { x: bounds.x - lw + 22, y: bounds.y + bounds.height + 2 },
      }[side];
      label = { ...label, width: lw, height: lh };
    }
    const expanded = kind === 'subprocess' ? ' isExpanded="true"' : '';
    shapes.push(shape(el.id, bounds, label, expanded));
  }
  const allFlows = [];
  const walk = (c) => (c.flowElements || []).forEach((f) => {
    if (f.$type === 'bpmn:SequenceFlow') allFlows.push(f);
    if (f.$type === 'bpmn:SubProcess') walk(f);
  });
  walk(model.process);
  for (const f of allFlows) {
    const points = route(placed.get(f.sourceRef.id), placed.get(f.targetRef.id), plan.routes[f.id]);
    const fromGateway = placed.get(f.sourceRef.id).kind === 'gateway';
    const hint = plan.routes[f.id];
    const label = hint && hint.label ? hint.label : f.name && flowLabel(points, f.name, fromGateway);
    edges.push(edge(f.id, points, f.name ? label : null));
  }
  // data associations: straight between the task and the data object beside it
  for (const { el } of placed.values()) {
    for (const assoc of [...(el.dataInputAssociations || []), ...(el.dataOutputAssociations || [])]) {
      const input = assoc.$type === 'bpmn:DataInputAssociation';
      const ref = input ? assoc.sourceRef[0] : assoc.targetRef;
      const task = placed.get(el.id).bounds;
      const data = placed.get(ref.id).bounds;
      const both = (el.dataInputAssociations || []).length && (el.dataOutputAssociations || []).length;
      const dx = both ? (input ? -12 : 12) : 0;
      const x = mid(task).x + dx;
      const above = mid(data).y < mid(task).y;
      const taskY = above ? task.y : task.y + task.height;
      const dataY = above ? data.y + data.height : data.y;
      const points = input ? [{ x, y: dataY }, { x, y: taskY }] : [{ x, y: taskY }, { x, y: dataY }];
      edges.push(edge(assoc.id, points, null));
    }
  }
  // lanes: full width bands, their heights from the plan
  const all = [...placed.values()].map((p) => p.bounds);
  const right = Math.max(...all.map((b) => b.x + b.width)) + 60;
  const laneShapes = [];
  for (const lane of model.process.laneSets[0].lanes) {
    const [top, bottom] = plan.lanes[lane.id];
    laneShapes.push(shape(lane.id, { x: plan.laneX, y: top, width: right - plan.laneX, height: bottom - top },
      null, ' isHorizontal="true"'));
  }
  return { shapes: [...laneShapes, ...shapes], edges };
}

function b(bounds) {
  return `<dc:Bounds x="${round(bounds.x)}" y="${round(bounds.y)}" width="${round(bounds.width)}" height="${round(bounds.height)}" />`;
}

function shape(id, bounds, label, extra = '') {
  const lab = label ? `\n        <bpmndi:BPMNLabel>\n          ${b(label)}\n        </bpmndi:BPMNLabel>` : '';
  return `      <bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"${extra}>\n        ${b(bounds)}${lab}\n      </bpmndi:BPMNShape>`;
}

function edge(id, points, label) {
  const wps = points.map((p) => `        <di:waypoint x="${round(p.x)}" y="${round(p.y)}" />`).join('\n');
  const lab = label ? `\n        <bpmndi:BPMNLabel>\n          ${b(label)}\n        </bpmndi:BPMNLabel>` : '';
  return `      <bpmndi:BPMNEdge id="${id}_di" bpmnElement="${id}">\n${wps}${lab}\n      </bpmndi:BPMNEdge>`;
}

// --- main -------------------------------------------------------------------------------------------------------------

export async function layout(xml, plan) {
  const semantic = xml.replace(DIAGRAM_RE, '');
  const moddle = new BpmnModdle();
  const { rootElement: definitions, warnings } = await moddle.fromXML(semantic);
  if (warnings.length) throw new Error(warnings.map((w) => w.message).join('\n'));
  const process = definitions.rootElements.find((e) => e.$type === 'bpmn:Process');
  let diagram;
  let missing = [];
  if (plan) {
    const result = planned({ definitions, process }, plan);
    missing = result.missing || [];
    if (!missing.length) {
      diagram = `  <bpmndi:BPMNDiagram id="BPMNDiagram_${process.id}">\n    <bpmndi:BPMNPlane id="BPMNPlane_${process.id}" bpmnElement="${process.id}">\n`
        + `${[...result.shapes, ...result.edges].join('\n')}\n    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>`;
    }
  }
  if (!diagram) {
    const auto = await layoutProcess(semantic);
    diagram = auto.match(DIAGRAM_RE)[0].replace(/^\n/, '');
  }
  const out = semantic.replace(/\n?<\/bpmn:definitions>\s*$/, `\n${diagram}\n</bpmn:definitions>\n`);
  if (out.replace(DIAGRAM_RE, '') !== semantic.replace(/\s*$/, '\n')) throw new Error('semantic part changed');
  return { xml: out, missing };
}

async function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: node layout.mjs DIAGRAM.bpmn [--check]');
    process.exit(2);
  }
  const planFile = path.join(here, 'plans', `${path.basename(file, '.bpmn')}.mjs`);
  const plan = fs.existsSync(planFile) ? (await import(pathToFileURL(planFile))).default : null;
  const xml = fs.readFileSync(file, 'utf8');
  const { xml: out, missing } = await layout(xml, plan);
  if (missing.length) {
    console.error(`${file}: not in the layout plan, laid out by bpmn-auto-layout instead (no lanes): ${missing.join(', ')}`);
  }
  if (check) {
    const same = out === xml;
    console.log(same ? `${file}: laid out` : `${file}: layout differs, run node layout.mjs ${file}`);
    process.exit(same && !missing.length ? 0 : 1);
  }
  fs.writeFileSync(file, out);
  console.log(`${file}: diagram written${plan && !missing.length ? ' from the layout plan' : ' by bpmn-auto-layout'}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await main();
}
