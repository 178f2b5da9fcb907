// Scorecard arithmetic, as docs/qa-api.md states it (the server's QA module scores the submitted evaluation; the
// page shows the same figure live while QA marks the items).
//   item: pass (its points), fail (0), na (out of the denominator; only where the item allows it)
//   section ratio = earned / applicable points
//   score = Σ weight × ratio / Σ weight of the sections with an applicable item, × 100, rounded to 0.1
//   a failed fatal item: score 0, failed;  passed = no fatal failure and score ≥ passScore

/**
 * form: the scorecard ({passScore, sections: [{weight, items: [{id, points, fatal}]}]}); items: {itemId: {result}}.
 * Items without a result yet are left out (rated counts them). Returns
 * {score (null when nothing applicable is rated), passed, fatalFailed, rated, total}.
 */
export function scoreOf(form, items) {
  let weights = 0;
  let sum = 0;
  let fatalFailed = false;
  let rated = 0;
  let total = 0;
  for (const section of (form && form.sections) || []) {
    let earned = 0;
    let applicable = 0;
    for (const item of section.items || []) {
      total += 1;
      const r = items && items[item.id] && items[item.id].result;
      if (!r) continue;
      rated += 1;
      if (r === 'na') continue;
      applicable += Number(item.points) || 0;
      if (r === 'pass') earned += Number(item.points) || 0;
      else if (item.fatal) fatalFailed = true;
    }
    if (applicable > 0) {
      weights += Number(section.weight) || 0;
      sum += (Number(section.weight) || 0) * (earned / applicable);
    }
  }
  let score = weights > 0 ? Math.round((sum / weights) * 1000) / 10 : null;
  if (fatalFailed) score = 0;
  const passed = !fatalFailed && score !== null && score >= (Number(form && form.passScore) || 0);
  return { score, passed, fatalFailed, rated, total };
}

/** "87.5" from 87.5, "—" for nothing. */
export function formatScore(score) {
  return score === null || score === undefined ? '—' : Number(score).toFixed(1);
}
