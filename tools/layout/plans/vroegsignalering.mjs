// Layout plan of processes/vroegsignalering.bpmn: a grid cell per element (see ../README.md).
//   main process: { c: column, r: row } (row 0 is the main path; negative rows above it), or { p: column after the
//                 outreach subprocess, r }, or { x, y } (absolute centre);
//   inside a subprocess: { i: column, r: row } on that subprocess's own grid;
//   boundary events: { at: 0..1 along the bottom of the host };
//   label: 'below' | 'above' | 'above-left' | 'above-right' | 'below-left' | 'right' | 'left' (external labels of
//   events, gateways and data objects); size: [width, height] of a task.
const W = 165;          // column width
const H = 110;          // row height
const X0 = 240;         // centre of column 0
const Y0 = 560;         // centre of row 0
const colX = (c) => X0 + c * W;
const rowY = (r) => Y0 + r * H;

// the outreach subprocess ("Inwoner bereiken en eerste gesprek"), expanded on the main path
const B = { x: colX(19) - 60, y: Y0 - 120, width: 8 * W + 20, height: 390 };
const bX = (i) => B.x + 60 + i * W;
const bY = (r) => Y0 + r * 100;
const postX = (p) => B.x + B.width + 90 + p * W;

// the event subprocess ("Nieuw signaal van het huishouden"), below the assessment
const N = { x: colX(0) - 60, y: rowY(3) + 90, width: 7 * W - 20, height: 580 };
const nX = (i) => N.x + 60 + i * W;
const nY = (r) => N.y + 170 + (r > 0 ? 40 + r * 60 : r * 95);

const HERINNERING = B.x + B.width * 0.22;
const TERMIJN = B.x + B.width * 0.78;
const COORDINATOR_TOP = N.y + N.height + 50;

const main = {
  start: { c: 0, r: 0 }, signaal_registreren: { c: 1, r: 0 }, ref_zaakgegevens_start: { c: 1, r: -1 },
  signaal_beoordelen: { c: 2, r: 0 }, gw_beoordeling: { c: 3, r: 0 },
  er_rechtspersoon: { c: 4, r: -4 }, einde_rechtspersoon: { c: 5, r: -4, label: 'right' },
  er_bezwaar: { c: 4, r: -3 }, einde_bezwaar: { c: 5, r: -3, label: 'right' },
  er_onterecht: { c: 4, r: -2 }, einde_onterecht: { c: 5, r: -2, label: 'right' },
  er_herhaald: { c: 4, r: -1 }, einde_herhaald: { c: 5, r: -1, label: 'right' },
  brp_controle: { c: 4, r: 1 }, gw_zelfde_persoon: { c: 5, r: 1 }, gw_na_brp: { c: 6, r: 0 },
  er_andere_persoon: { c: 6, r: 2 }, einde_andere_persoon: { c: 7, r: 2, label: 'right' },
  tm_geen_inwoner: { c: 4, r: 3 }, doorsturen_gemeente: { c: 5, r: 3 }, er_geen_inwoner: { c: 6, r: 3 },
  einde_geen_inwoner: { c: 7, r: 3, label: 'right' },
  gw_overleden: { c: 7, r: 0 }, tm_overleden: { c: 8, r: -1 }, er_overleden: { c: 9, r: -1 },
  gw_na_overleden: { c: 10, r: 0 },
  zaakkenmerken: { c: 11, r: 0 }, ref_zaakgegevens_kenmerken: { c: 11, r: -1 },
  prioriteit_bepalen: { c: 12, r: 0 }, werkvoorraad_bepalen: { c: 13, r: 0 },
  gw_shv: { c: 14, r: 0 }, oud_hulpverlener: { c: 15, r: -1 }, gw_na_shv: { c: 16, r: 0 },
  tm_shv: { c: 15, r: 1 }, overdragen_shv: { c: 16, r: 1 }, er_shv: { c: 17, r: 1 }, einde_shv: { c: 18, r: 1 },
  benadering: {},
  herinnering_14d: { at: 0.22, label: 'right' },
  streeftermijn_verstreken: { x: HERINNERING + 150, y: B.y + B.height + 90 },
  einde_herinnering: { x: HERINNERING + 300, y: B.y + B.height + 90 },
  termijn_verlopen: { at: 0.78, label: 'right', labelWidth: 130 },
  termijn_overschreden: { x: TERMIJN + 150, y: COORDINATOR_TOP + 80 },
  einde_escalatie: { x: TERMIJN + 300, y: COORDINATOR_TOP + 80 },
  gw_bereikt: { p: 0, r: 0, labelWidth: 80 }, er_geen_contact: { p: 1, r: 2 }, einde_geen_contact: { p: 2, r: 2 },
  er_niet_oppakken: { p: 1, r: 3 }, tm_niet_oppakken: { p: 2, r: 3, label: 'below' },
  einde_niet_oppakken: { p: 3, r: 3, label: 'right' },
  gw_uitkomst: { p: 1, r: 0 },
  er_geen_hulp: { p: 2, r: -1 }, einde_geen_hulp: { p: 3, r: -1, label: 'right' },
  er_al_betaald: { p: 2, r: -2 }, einde_al_betaald: { p: 3, r: -2, label: 'right' },
  er_ander_traject: { p: 2, r: -3 }, einde_ander_traject: { p: 3, r: -3, label: 'right' },
  gw_bedreigend: { p: 2, r: 0, label: 'below-left' }, bedreigende_situatie_vastleggen: { p: 3, r: 1 },
  ref_zaakgegevens_gesprek: { p: 3, r: 2 }, prioriteit_herzien: { p: 4, r: 1 }, werkvoorraad_herzien: { p: 5, r: 1 },
  gw_na_bedreigend: { p: 6, r: 0 },
  gw_terugmelden: { p: 7, r: 0 }, tm_hulp: { p: 8, r: -1 }, incassostop: { p: 9, r: -1 },
  gw_incassostop: { p: 10, r: -1 }, voor_einde_incassostop: { p: 11, r: -2 },
  besluit_incassostop: { p: 12, r: -2 }, einde_incassostop: { at: 0.8, label: 'right', labelWidth: 70 },
  einde_incassostop_verlopen: { p: 13, r: -1, label: 'right' }, einde_besluit_incassostop: { p: 13, r: -2 },
  gw_hulp: { p: 11, r: 0 }, plan_van_aanpak: { p: 12, r: 0 }, gw_aanpak: { p: 13, r: 0 },
  quick_fix: { p: 14, r: 1 }, er_quick_fix: { p: 15, r: 1 }, einde_quick_fix: { p: 16, r: 1 },
  warme_overdracht: { p: 14, r: 0 }, gw_vervolghulp: { p: 15, r: 0 },
  er_financieel: { p: 16, r: 0 }, einde_financieel: { p: 17, r: 0 },
  er_niet_financieel: { p: 16, r: -1 }, einde_niet_financieel: { p: 17, r: -1 },
  nieuw_signaal_verwerken: {},
};

const benadering = {
  benadering_start: { i: 0, r: 0 }, gw_poging: { i: 1, r: 0 }, contactpoging: { i: 2, r: 0 },
  gw_na_poging: { i: 3, r: 0 }, tel_poging: { i: 4, r: 0 }, gw_vervolg: { i: 5, r: 0, labelWidth: 70, label: 'above-right' },
  eerste_gesprek: { i: 6, r: 0 }, benadering_gesprek_gevoerd: { i: 7, r: 0 },
  benadering_gestopt: { i: 6, r: 1, label: 'right' }, kaartje_achterlaten: { i: 4, r: 2 },
};

const nieuw = {
  nieuw_signaal: { i: 0, r: 0 }, nieuw_signaal_beoordelen: { i: 1, r: 0 }, gw_nieuw_signaal: { i: 2, r: 0 },
  nieuw_rechtspersoon: { i: 3, r: 1, label: 'right', labelWidth: 150 },
  nieuw_bezwaar: { i: 3, r: 2, label: 'right', labelWidth: 150 },
  nieuw_onterecht: { i: 3, r: 3, label: 'right', labelWidth: 150 },
  nieuw_herhaald: { i: 3, r: 4, label: 'right', labelWidth: 150 },
  nieuw_geen_inwoner: { i: 3, r: 5, label: 'right', labelWidth: 150 },
  signaal_toevoegen: { i: 3, r: 0 }, ref_zaakgegevens_nieuw: { i: 3, r: -1 },
  prioriteit_nieuw_signaal: { i: 4, r: 0 }, werkvoorraad_nieuw_signaal: { i: 5, r: 0 },
  nieuw_signaal_verwerkt: { i: 6, r: 0 },
};

function position(spec, container) {
  if (container === 'benadering') return { x: bX(spec.i), y: bY(spec.r) };
  if (container === 'nieuw_signaal_verwerken') return { x: nX(spec.i), y: nY(spec.r) };
  if (spec.x !== undefined) return { x: spec.x, y: spec.y };
  return { x: spec.p !== undefined ? postX(spec.p) : colX(spec.c), y: rowY(spec.r) };
}

// the tasks that record an end result carry its DDAS text: a little wider
for (const [id, spec] of Object.entries(main)) {
  if (id.startsWith('er_')) spec.size = [130, 80];
}

export default {
  elements: { ...main, ...benadering, ...nieuw },
  position,
  subprocessBounds: (id) => ({ benadering: B, nieuw_signaal_verwerken: N })[id],
  routes: {
    o_opnieuw: { loop: Y0 - 80 },
    f_naar_benadering: { y: Y0 },
    f_na_benadering: { y: Y0 },
  },
  laneX: 120,
  lanes: {
    Lane_hulpverlener: [20, COORDINATOR_TOP],
    Lane_coordinator: [COORDINATOR_TOP, COORDINATOR_TOP + 170],
  },
};
