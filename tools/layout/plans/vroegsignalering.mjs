// Layout plan of processes/vroegsignalering.bpmn: a grid cell per element (see ../README.md).
//   main process: { c: column, r: row } (row 0 is the main path; negative rows above it), { p: column after the
//                 outreach subprocess, r }, { a: column after the help subprocess, r }, or { x, y } (absolute centre);
//   inside a subprocess: { i: column, r: row } on that subprocess's own grid;
//   boundary events: { at: 0..1 along the bottom of the host } ({ top: true }: along its top);
//   label: 'below' | 'above' | 'above-left' | 'above-right' | 'below-left' | 'right' | 'left' (external labels of
//   events, gateways and data objects); size: [width, height] of a task.
//
// The picture, left to right: registration and the parallel start of the deadlines; the assessment with the signals
// that are not picked up fanning out above and below; the deadlines (termijnbewaking) under the start with the
// escalation in the coordinator's lane at the bottom; the event subprocess for a later signal beside it; the outreach
// subprocess; the ends without help; help accepted with the collection pause above; the help subprocess (plan, quick
// fix, drop-out); the handover and its ends.
const W = 165;          // column width
const H = 110;          // row height
const X0 = 240;         // centre of column 0
const Y0 = 720;         // centre of row 0
const colX = (c) => X0 + c * W;
const rowY = (r) => Y0 + r * H;

// the deadlines, under the start: the 14-day target (streefbewaking) and the statutory deadline (termijnbewaking)
const S = { x: colX(2) + 45, y: rowY(4.4), width: 470, height: 120 };
const sX = (i) => S.x + 55 + i * 170;
const sY = () => S.y + 60;
const T = { x: colX(2) + 45, y: rowY(7), width: 470, height: 120 };
const tX = (i) => T.x + 55 + i * 170;
const tY = () => T.y + 60;

// the event subprocess ("Nieuw signaal van het huishouden"), beside the deadlines
const N = { x: colX(6.5) - 60, y: rowY(4.4), width: 17 * W + 40, height: 840 };
const nX = (i) => N.x + 60 + i * W;
const nY = (r) => N.y + 140 + r * 90;

// the outreach subprocess ("Inwoner bereiken en eerste gesprek"), on the main path
const B = { x: colX(21) - 60, y: Y0 - 190, width: 11 * W + 40, height: 490 };
const bX = (i) => B.x + 60 + i * W;
const bY = (r) => Y0 + r * 100;
const postX = (p) => B.x + B.width + 90 + p * W;

// the help subprocess ("Plan van aanpak en quick fix"), on the main path after the collection pause
const HP = { x: postX(15) - 60, y: Y0 - 190, width: 8 * W + 40, height: 520 };
const hX = (i) => HP.x + 60 + i * W;
const hY = (r) => Y0 + r * 100;
const afterX = (a) => HP.x + HP.width + 90 + a * W;

const COORDINATOR_TOP = N.y + N.height + 50;
const ESCALATIE_X = T.x + T.width * 0.85 + 150;  // the coordinator's task, under the statutory deadline

const main = {
  start: { c: 0, r: 0 }, signaal_registreren: { c: 1, r: 0 }, ref_zaakgegevens_start: { c: 1, r: -1 },
  gw_termijn: { c: 2, r: 0, label: 'above', labelWidth: 110 },
  signaal_beoordelen: { c: 3, r: 0 }, gw_beoordeling: { c: 4, r: 0 },
  er_rechtspersoon: { c: 5, r: -4 }, tm_rechtspersoon: { c: 6, r: -4, label: 'above' },
  einde_rechtspersoon: { c: 7, r: -4, label: 'right' },
  er_bezwaar: { c: 5, r: -3 }, tm_bezwaar: { c: 6, r: -3, label: 'above' }, einde_bezwaar: { c: 7, r: -3, label: 'right' },
  er_onterecht: { c: 5, r: -2 }, tm_onterecht: { c: 6, r: -2, label: 'above' },
  einde_onterecht: { c: 7, r: -2, label: 'right' },
  er_herhaald: { c: 5, r: -1 }, tm_herhaald: { c: 6, r: -1, label: 'above' },
  einde_herhaald: { c: 7, r: -1, label: 'right' },
  brp_controle: { c: 5, r: 1 }, gw_zelfde_persoon: { c: 6, r: 1, label: 'above' },
  er_andere_persoon: { c: 7, r: 2 }, tm_andere_persoon: { c: 8, r: 2 },
  einde_andere_persoon: { c: 9, r: 2, label: 'right' },
  tm_geen_inwoner: { c: 5, r: 3 }, doorsturen_gemeente: { c: 6, r: 3 }, er_geen_inwoner: { c: 7, r: 3 },
  einde_geen_inwoner: { c: 8, r: 3, label: 'right' },
  gw_na_brp: { c: 8, r: 0 },
  gw_overleden: { c: 9, r: 0 }, tm_overleden: { c: 10, r: -1 }, er_overleden: { c: 11, r: -1 },
  gw_na_overleden: { c: 12, r: 0 },
  zaakkenmerken: { c: 13, r: 0 }, ref_zaakgegevens_kenmerken: { c: 13, r: -1 },
  prioriteit_bepalen: { c: 14, r: 0 }, werkvoorraad_bepalen: { c: 15, r: 0 },
  gw_shv: { c: 16, r: 0 }, oud_hulpverlener: { c: 17, r: -1 }, gw_na_shv: { c: 18, r: 0 },
  behandelaar_bepalen: { c: 19, r: 0 },
  tm_shv: { c: 17, r: 1 }, overdragen_shv: { c: 18, r: 1 }, er_shv: { c: 19, r: 1 },
  einde_shv: { c: 20, r: 1, label: 'below' },

  streefbewaking: {},
  herinnering_14d: { at: 0.15, label: 'below-left', labelWidth: 120 },
  streeftermijn_verstreken: { x: S.x + S.width * 0.15 + 120, y: S.y + S.height + 80 },
  einde_herinnering: { x: S.x + S.width * 0.15 + 230, y: S.y + S.height + 80 },
  einde_streefbewaking: { x: S.x + S.width + 60, y: sY(), label: 'below', labelWidth: 80 },
  termijnbewaking: {},
  termijn_verlopen: { at: 0.85, label: 'right', labelWidth: 150 },
  einde_termijnbewaking: { x: T.x + T.width + 60, y: tY(), label: 'below', labelWidth: 80 },
  termijn_overschreden: { x: ESCALATIE_X, y: COORDINATOR_TOP + 85 },
  einde_escalatie: { x: ESCALATIE_X + 150, y: COORDINATOR_TOP + 85 },

  benadering: {},
  gw_bereikt: { p: 0, r: 0, labelWidth: 80 },
  gw_uitkomst: { p: 1, r: 0 },
  er_geen_hulp: { p: 2, r: -1 }, einde_geen_hulp: { p: 3, r: -1, label: 'right' },
  er_al_betaald: { p: 2, r: -2 }, einde_al_betaald: { p: 3, r: -2, label: 'right' },
  er_ander_traject: { p: 2, r: -3 }, einde_ander_traject: { p: 3, r: -3, label: 'right' },
  er_verwijzing: { p: 1, r: 1 }, einde_verwijzing: { p: 2, r: 1, label: 'right' },
  er_ander_traject_zonder_contact: { p: 1, r: 2 }, einde_ander_traject_zonder_contact: { p: 2, r: 2, label: 'right' },
  er_niet_oppakken: { p: 1, r: 3 }, tm_niet_oppakken: { p: 2, r: 3, label: 'below' },
  einde_niet_oppakken: { p: 3, r: 3, label: 'right' },
  er_geen_contact: { p: 1, r: 4 }, einde_geen_contact: { p: 2, r: 4, label: 'right' },
  gw_bedreigend: { p: 4, r: 0, label: 'below-left' },
  bedreigende_situatie_vastleggen: { p: 5, r: 1 }, ref_zaakgegevens_gesprek: { p: 5, r: 2 },
  prioriteit_herzien: { p: 6, r: 1 }, werkvoorraad_herzien: { p: 7, r: 1 },
  tm_termijn_gehaald: { p: 6, r: 0, label: 'above', labelWidth: 130 },
  tm_gesprek_gevoerd: { p: 3, r: 0, label: 'above', labelWidth: 130 },
  gw_na_bedreigend: { p: 8, r: 0 },
  hulp_vastleggen: { p: 9, r: 0 }, ref_zaakgegevens_hulp: { p: 9, r: -1 },
  gw_terugmelden: { p: 10, r: 0 }, tm_hulp: { p: 11, r: -1, label: 'above' }, incassostop: { p: 12, r: -1 },
  gw_incassostop: { p: 13, r: -1 }, voor_einde_incassostop: { p: 14, r: -3, label: 'above' },
  besluit_incassostop: { p: 15, r: -3 }, einde_incassostop: { at: 0.8, label: 'right', labelWidth: 70 },
  einde_incassostop_verlopen: { p: 16, r: -2, label: 'right' },
  gw_besluit: { p: 16, r: -3, label: 'above-left' },
  er_besluit_opgelost: { p: 17, r: -4 }, einde_opgelost: { p: 18, r: -4, label: 'right', labelWidth: 130 },
  tm_overdracht: { p: 17, r: -3, label: 'below' }, einde_besluit_overdracht: { p: 18, r: -3, label: 'right' },
  einde_besluit_incassostop: { p: 17, r: -5, label: 'right', labelWidth: 130 },
  gw_hulp: { p: 14, r: 0 },

  hulp: {},
  overdracht_besloten: { at: 0.95, top: true, label: 'above-left', labelWidth: 80 },
  gw_na_hulp: { a: 0, r: 0, label: 'above' },
  er_quick_fix: { a: 1, r: 1 }, einde_quick_fix: { a: 2, r: 1, label: 'right', labelWidth: 110 },
  gw_overdracht: { a: 1, r: 0 }, warme_overdracht: { a: 2, r: 0 }, gw_vervolghulp: { a: 3, r: 0 },
  er_financieel: { a: 4, r: 0 }, einde_financieel: { a: 5, r: 0, label: 'right' },
  er_niet_financieel: { a: 4, r: -1 }, einde_niet_financieel: { a: 5, r: -1, label: 'right' },
  gw_geen_reactie: { a: 0, r: 5 }, er_geen_reactie: { a: 1, r: 5 }, einde_geen_reactie: { a: 2, r: 5, label: 'right' },

  nieuw_signaal_verwerken: {},
};

const streefbewaking = {
  streefbewaking_start: { i: 0 }, gesprek_gevoerd: { i: 1 }, streefbewaking_einde: { i: 2 },
};

const termijnbewaking = {
  termijnbewaking_start: { i: 0 }, termijn_gehaald: { i: 1 }, termijnbewaking_einde: { i: 2 },
};

const benadering = {
  benadering_start: { i: 0, r: 0 }, gw_warm: { i: 1, r: 0, label: 'below' }, gw_poging: { i: 2, r: 0 },
  contactpoging: { i: 3, r: 0 }, gw_na_poging: { i: 4, r: 0 }, tel_poging: { i: 5, r: 0 },
  gw_vervolg: { i: 6, r: 0, labelWidth: 70, label: 'above-right' },
  gw_naar_gesprek: { i: 7, r: 0 }, eerste_gesprek: { i: 8, r: 0 },
  gw_gesprek: { i: 9, r: 0, label: 'above', labelWidth: 90 },
  benadering_gesprek_gevoerd: { i: 10, r: 0 },
  benadering_gestopt: { i: 7, r: 1.2, label: 'right' }, kaartje_achterlaten: { i: 5, r: 1.9 },
  geen_reactie_noteren: { i: 9, r: 1.3 },
};

const hulp = {
  hulp_start: { i: 0, r: 0 }, gw_plan: { i: 1, r: 0 }, plan_van_aanpak: { i: 2, r: 0 },
  tm_hulp_gestart: { i: 3, r: 0, label: 'below' }, gw_aanpak: { i: 4, r: 0, label: 'below-left' },
  quick_fix: { i: 5, r: 0 }, gw_quick_fix: { i: 6, r: 0, label: 'above-right', labelWidth: 80 },
  hulp_opgelost: { i: 7, r: 0, label: 'below' }, hulp_overdracht: { i: 7, r: -1.2, label: 'below' },
  gw_afgehaakt: { i: 5, r: 1.4 }, contact_herstellen: { i: 5, r: 2.5 },
  gw_herstel: { i: 6, r: 2.5, label: 'above-right', labelWidth: 80 }, hulp_geen_reactie: { i: 7, r: 2.5, label: 'below' },
};

const nieuw = {
  nieuw_signaal: { i: 0, r: 0 }, nieuw_signaal_beoordelen: { i: 1, r: 0 }, gw_nieuw_signaal: { i: 2, r: 0 },
  brp_controle_nieuw: { i: 3, r: 1 }, gw_nieuw_zelfde_persoon: { i: 4, r: 1, label: 'above' },
  nieuw_andere_persoon: { i: 5, r: 2, label: 'right', labelWidth: 150 },
  tm_nieuw_geen_inwoner: { i: 3, r: 3 }, doorsturen_gemeente_nieuw: { i: 4, r: 3 },
  nieuw_geen_inwoner: { i: 5, r: 3, label: 'right' },
  nieuw_rechtspersoon: { i: 3, r: 4, label: 'right', labelWidth: 150 },
  nieuw_bezwaar: { i: 3, r: 5, label: 'right', labelWidth: 150 },
  nieuw_onterecht: { i: 3, r: 6, label: 'right', labelWidth: 150 },
  nieuw_herhaald: { i: 3, r: 7, label: 'right', labelWidth: 150 },
  gw_nieuw_na_brp: { i: 5, r: 0 }, gw_nieuw_overleden: { i: 6, r: 0 },
  tm_nieuw_overleden: { i: 7, r: -1, label: 'below' }, gw_nieuw_na_overleden: { i: 8, r: 0 },
  gw_nieuw_shv: { i: 9, r: 0, label: 'above-left' },
  tm_nieuw_shv: { i: 10, r: 1.3, label: 'below' }, overdragen_shv_nieuw: { i: 11, r: 1.3 },
  nieuw_shv: { i: 12, r: 1.3, label: 'right', labelWidth: 120 },
  signaal_toevoegen: { i: 10, r: 0 }, ref_zaakgegevens_nieuw: { i: 10, r: -1.2 },
  prioriteit_nieuw_signaal: { i: 11, r: 0 }, werkvoorraad_nieuw_signaal: { i: 12, r: 0 },
  gw_nieuw_hulp: { i: 13, r: 0, label: 'below' }, tm_nieuw_hulp: { i: 14, r: -1, label: 'below' },
  gw_nieuw_einde: { i: 15, r: 0 }, nieuw_signaal_verwerkt: { i: 16, r: 0 },
};

const containers = { streefbewaking, termijnbewaking, benadering, hulp, nieuw_signaal_verwerken: nieuw };

function position(spec, container) {
  if (container === 'streefbewaking') return { x: sX(spec.i), y: sY() };
  if (container === 'termijnbewaking') return { x: tX(spec.i), y: tY() };
  if (container === 'benadering') return { x: bX(spec.i), y: bY(spec.r) };
  if (container === 'hulp') return { x: hX(spec.i), y: hY(spec.r) };
  if (container === 'nieuw_signaal_verwerken') return { x: nX(spec.i), y: nY(spec.r) };
  if (spec.x !== undefined) return { x: spec.x, y: spec.y };
  if (spec.a !== undefined) return { x: afterX(spec.a), y: rowY(spec.r) };
  return { x: spec.p !== undefined ? postX(spec.p) : colX(spec.c), y: rowY(spec.r) };
}

// the tasks that record an end result carry its DDAS text: a little wider
for (const [id, spec] of Object.entries(main)) {
  if (id.startsWith('er_')) spec.size = [130, 80];
}

const GW = 25;  // half a gateway
const overdrachtX = HP.x + HP.width * 0.95;
export default {
  elements: { ...main, ...Object.assign({}, ...Object.values(containers)) },
  position,
  subprocessBounds: (id) => ({ streefbewaking: S, termijnbewaking: T, benadering: B, hulp: HP,
                               nieuw_signaal_verwerken: N })[id],
  routes: {
    f_naar_streefbewaking: { y: sY() },
    f_streeftermijn_gehaald: { y: sY() },
    f_naar_termijnbewaking: { y: tY() },
    f_termijn_gehaald: { y: tY() },
    o_warm: { loop: bY(-1.5) },
    o_opnieuw: { loop: bY(-0.8) },
    o_opnieuw_benaderen: { loop: bY(2.6) },
    o_geen_reactie: { points: [{ x: bX(9), y: bY(0) + GW }, { x: bX(9), y: bY(1.3) - 40 }] },
    f_naar_benadering: { y: Y0 },
    f_na_benadering: { y: Y0 },
    f_naar_plan: { y: Y0 },
    f_na_hulp: { y: Y0 },
    f_geen_reactie: { points: [{ x: postX(0), y: rowY(0) + GW }, { x: postX(0), y: rowY(5) },
                               { x: afterX(0) - GW, y: rowY(5) }] },
    f_geen_reactie_hulp: { points: [{ x: afterX(0), y: rowY(0) + GW }, { x: afterX(0), y: rowY(5) - GW }],
                           label: { x: afterX(0) + 6, y: rowY(3.5), width: 90, height: 14 } },
    f_overdracht_besloten: { points: [{ x: overdrachtX, y: HP.y - 18 }, { x: overdrachtX, y: HP.y - 45 },
                                      { x: afterX(1), y: HP.y - 45 }, { x: afterX(1), y: rowY(0) - GW }] },
    h_plan_afgehaakt: { points: [{ x: hX(4), y: hY(0) + GW }, { x: hX(4), y: hY(1.4) }, { x: hX(5) - GW, y: hY(1.4) }] },
    h_quick_fix_afgehaakt: { points: [{ x: hX(6), y: hY(0) + GW }, { x: hX(6), y: hY(0.8) }, { x: hX(5), y: hY(0.8) },
                                      { x: hX(5), y: hY(1.4) - GW }] },
    h_herstellen: { points: [{ x: hX(5), y: hY(1.4) + GW }, { x: hX(5), y: hY(2.5) - 40 }] },
    h_opnieuw: { points: [{ x: hX(6), y: hY(2.5) - GW }, { x: hX(6), y: hY(1.4) }, { x: hX(5) + GW, y: hY(1.4) }] },
    h_weer_bereikt: { points: [{ x: hX(6), y: hY(2.5) + GW }, { x: hX(6), y: hY(3.0) }, { x: hX(1), y: hY(3.0) },
                               { x: hX(1), y: hY(0) + GW }] },
  },
  laneX: 120,
  lanes: {
    Lane_hulpverlener: [20, COORDINATOR_TOP],
    Lane_coordinator: [COORDINATOR_TOP, COORDINATOR_TOP + 170],
  },
};
