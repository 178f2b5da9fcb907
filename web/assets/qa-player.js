// The QA player: a recording's waveform as two lanes (customer = channel 0, agent = channel 1) drawn on a canvas
// from the peaks the recording pipeline stores (audiowaveform v2 JSON, GET /api/recordings/:id/peaks), the Opus
// audio streamed with Range requests by an <audio> element (GET /api/recordings/:id/audio), a playhead, markers for
// timestamped comments, speed 0.5–2×, and "next speech" from the recording's speech spans (or the peaks).
// Both routes log every access in the recording access log; the player never fetches the audio by itself.
import { t } from './i18n.js';
import { el } from './dom.js';

export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2];

/**
 * Timings the benchmark reads back (QaPlayerBenchmark): per open, performance.now() of the open, of the peaks
 * parsed and of the waveform drawn; per seek, of the click, of 'seeked' and of the audio clock moving on from the
 * target (the first animation frame where currentTime is past it while playing).
 */
const timings = (window.__qaTimings = window.__qaTimings || { opens: [], seeks: [] });

/** "01:23" (or "1:02:03"), from milliseconds. */
export function clock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * Per channel, per peaks pixel: [min, max] as -1..1. The JSON's data is [min, max] per channel, interleaved, pixel
 * after pixel; 8 or 16 bits.
 */
export function splitPeaks(json) {
  const channels = Math.max(1, json.channels || 1);
  const scale = json.bits === 16 ? 32768 : 128;
  const data = json.data || [];
  const pixels = Math.floor(data.length / (2 * channels));
  const out = [];
  for (let c = 0; c < channels; c += 1) {
    const lane = new Float32Array(pixels * 2);
    for (let i = 0; i < pixels; i += 1) {
      lane[2 * i] = data[(i * channels + c) * 2] / scale;
      lane[2 * i + 1] = data[(i * channels + c) * 2 + 1] / scale;
    }
    out.push(lane);
  }
  return { channels, pixels, msPerPixel: (1000 * (json.samples_per_pixel || 400)) / (json.sample_rate || 8000), lanes: out };
}

/**
 * Speech spans [[fromMs, toMs], …] of one lane guessed from its peaks, for recordings whose activity was not
 * computed: pixels louder than a tenth of full scale, gaps under 300 ms bridged.
 */
export function spansFromPeaks(lane, msPerPixel, threshold = 0.1) {
  const spans = [];
  const n = lane.length / 2;
  let start = -1;
  let lastLoud = -1;
  const gap = Math.max(1, Math.round(300 / msPerPixel));
  for (let i = 0; i < n; i += 1) {
    const loud = lane[2 * i + 1] - lane[2 * i] > threshold * 2;
    if (loud) {
      if (start < 0) start = i;
      else if (i - lastLoud > gap) {
        spans.push([start * msPerPixel, (lastLoud + 1) * msPerPixel]);
        start = i;
      }
      lastLoud = i;
    }
  }
  if (start >= 0) spans.push([start * msPerPixel, (lastLoud + 1) * msPerPixel]);
  return spans;
}

/**
 * Builds a player for one recording into a new element (returned as .root).
 * recordingId, durationMs (until the audio's metadata says better), activity ({customer: {spans}, agent: {spans}}
 * or null), peaks (a promise of the peaks JSON already under way, or null to fetch it), openedAt (performance.now()
 * of the user's open, for the timings), onTime(ms) while playing and after seeks.
 */
export function createPlayer({ recordingId, durationMs = 0, activity = null, peaks = null, openedAt, onTime = () => {} }) {
  const opened = { openAt: openedAt ?? performance.now(), peaksAt: null, drawnAt: null, recordingId };
  timings.opens.push(opened);
  const base = `/api/recordings/${encodeURIComponent(recordingId)}`;
  const audio = el('audio', { preload: 'metadata', class: 'qa-audio' });
  audio.src = `${base}/audio`;
  const canvas = el('canvas', { class: 'qa-wave-canvas', 'aria-hidden': 'true' });
  const playhead = el('div', { class: 'qa-playhead', 'aria-hidden': 'true' });
  const hover = el('div', { class: 'qa-hover', 'aria-hidden': 'true' });
  const markers = el('div', { class: 'qa-markers' });
  const laneLabels = el('div', { class: 'qa-lane-labels', 'aria-hidden': 'true' },
    el('span', { class: 'qa-lane-label qa-lane-customer', i18n: 'qa.player.customer' }),
    el('span', { class: 'qa-lane-label qa-lane-agent', i18n: 'qa.player.agent' }));
  const status = el('p', { class: 'qa-wave-status muted', i18n: 'qa.player.loading' });
  const wave = el('div', {
    class: 'qa-wave', role: 'slider', tabindex: '0', 'aria-valuemin': '0', 'aria-valuenow': '0',
    'aria-label': t('qa.player.position'), 'data-i18n-aria-label': 'qa.player.position'
  }, canvas, laneLabels, markers, playhead, hover, status);
  const playBtn = el('button', { type: 'button', class: 'btn btn-primary qa-play', id: 'qa-play', i18n: 'qa.player.play' });
  const back = el('button', { type: 'button', class: 'btn btn-small', title: t('qa.player.back5'), 'data-i18n-title': 'qa.player.back5' }, '−5s');
  const fwd = el('button', { type: 'button', class: 'btn btn-small', title: t('qa.player.fwd5'), 'data-i18n-title': 'qa.player.fwd5' }, '+5s');
  const nextBtn = el('button', { type: 'button', class: 'btn btn-small', id: 'qa-next-speech', i18n: 'qa.player.nextSpeech' });
  const time = el('span', { class: 'qa-time mono', id: 'qa-time', role: 'timer' }, '00:00 / 00:00');
  const speed = el('select', { class: 'qa-speed', id: 'qa-speed', 'aria-label': t('qa.player.speed'), 'data-i18n-aria-label': 'qa.player.speed' },
    SPEEDS.map((s) => el('option', { value: String(s) }, `${s}×`)));
  speed.value = '1';
  const controls = el('div', { class: 'qa-controls' }, playBtn, back, fwd, nextBtn, time,
    el('label', { class: 'qa-speed-label' }, el('span', { i18n: 'qa.player.speed' }), speed));
  const root = el('div', { class: 'qa-player' }, wave, controls, audio);

  let duration = durationMs || 0;
  let peaksData = null;
  let spans = null;
  let commentList = [];
  let raf = 0;
  let pendingSeek = null;
  let destroyed = false;

  const nowMs = () => Math.round(audio.currentTime * 1000);

  function renderTime() {
    const ms = nowMs();
    time.textContent = `${clock(ms)} / ${clock(duration)}`;
    if (duration > 0) playhead.style.left = `${Math.min(100, (ms / duration) * 100)}%`;
    wave.setAttribute('aria-valuenow', String(Math.round(ms / 1000)));
    wave.setAttribute('aria-valuetext', clock(ms));
  }

  function draw() {
    if (!peaksData || destroyed) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(wave.clientWidth * dpr));
    const h = Math.max(1, Math.round(wave.clientHeight * dpr));
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const g = canvas.getContext('2d');
    g.clearRect(0, 0, w, h);
    const lanes = peaksData.lanes.length > 1 ? [peaksData.lanes[0], peaksData.lanes[1]] : [peaksData.lanes[0]];
    const laneH = h / lanes.length;
    const colors = ['#1f5fae', '#17733a'];
    const total = peaksData.pixels;
    // The audio's duration rules the x axis; the peaks cover it (to a pixel).
    const spanPixels = duration > 0 ? Math.max(total, duration / peaksData.msPerPixel) : total;
    lanes.forEach((lane, li) => {
      const mid = laneH * li + laneH / 2;
      const amp = laneH / 2 - 2 * dpr;
      g.fillStyle = li === 0 ? '#f4f7fb' : '#f3f8f4';
      g.fillRect(0, laneH * li, w, laneH);
      g.fillStyle = colors[li];
      for (let x = 0; x < w; x += 1) {
        const from = Math.floor((x * spanPixels) / w);
        const to = Math.min(total, Math.max(from + 1, Math.floor(((x + 1) * spanPixels) / w)));
        if (from >= total) break;
        let lo = 0;
        let hi = 0;
        for (let i = from; i < to; i += 1) {
          if (lane[2 * i] < lo) lo = lane[2 * i];
          if (lane[2 * i + 1] > hi) hi = lane[2 * i + 1];
        }
        const top = mid - hi * amp;
        g.fillRect(x, top, 1, Math.max(dpr, mid - lo * amp - top));
      }
      g.fillStyle = 'rgba(29,39,51,.18)';
      g.fillRect(0, Math.round(mid), w, Math.max(1, Math.round(dpr / 2)));
    });
    if (lanes.length > 1) {
      g.fillStyle = '#c5cdd7';
      g.fillRect(0, Math.round(laneH), w, Math.max(1, Math.round(dpr)));
    }
  }

  function renderMarkers() {
    markers.replaceChildren();
    if (!(duration > 0)) return;
    for (const c of commentList) {
      const b = el('button', {
        type: 'button', class: 'qa-marker',
        title: `${clock(c.atMs)} ${c.text}`, 'aria-label': `${clock(c.atMs)} ${c.text}`, 'data-at': String(c.atMs)
      });
      // Through the CSSOM: the pages' Content-Security-Policy (style-src 'self') drops style attributes.
      b.style.left = `${Math.min(100, (c.atMs / duration) * 100)}%`;
      b.addEventListener('click', (ev) => {
        ev.stopPropagation();
        seek(c.atMs, { play: true });
      });
      markers.append(b);
    }
  }

  function setDuration(ms) {
    if (!(ms > 0) || Math.abs(ms - duration) < 1) return;
    duration = ms;
    wave.setAttribute('aria-valuemax', String(Math.round(ms / 1000)));
    draw();
    renderMarkers();
    renderTime();
  }

  /** Moves the playhead to ms; play: start playing from there. Measures the click → audio-moving time. */
  function seek(ms, { play = false, clickAt = null } = {}) {
    const target = Math.max(0, Math.min(duration > 0 ? duration - 50 : ms, ms));
    const record = { clickAt: clickAt ?? performance.now(), targetMs: target, seekedAt: null, playingAt: null };
    timings.seeks.push(record);
    pendingSeek = record;
    audio.currentTime = target / 1000;
    renderTime();
    onTime(target);
    if (play && audio.paused) audio.play().catch(() => {});
    if (!audio.paused || play) watch();
  }

  /** While playing: the playhead follows the audio clock; a seek is "playing" once the clock moves past its target. */
  function watch() {
    cancelAnimationFrame(raf);
    const step = () => {
      if (destroyed) return;
      renderTime();
      if (pendingSeek && pendingSeek.seekedAt !== null && !audio.paused && !audio.seeking
        && audio.currentTime * 1000 > pendingSeek.targetMs + 1) {
        pendingSeek.playingAt = performance.now();
        pendingSeek.ms = pendingSeek.playingAt - pendingSeek.clickAt;
        pendingSeek = null;
      }
      if (!audio.paused || pendingSeek) raf = requestAnimationFrame(step);
    };
    raf = requestAnimationFrame(step);
  }

  audio.addEventListener('seeked', () => {
    if (pendingSeek && pendingSeek.seekedAt === null) pendingSeek.seekedAt = performance.now();
  });
  audio.addEventListener('loadedmetadata', () => {
    if (Number.isFinite(audio.duration)) setDuration(Math.round(audio.duration * 1000));
  });
  audio.addEventListener('durationchange', () => {
    if (Number.isFinite(audio.duration)) setDuration(Math.round(audio.duration * 1000));
  });
  audio.addEventListener('play', () => { playBtn.dataset.i18n = 'qa.player.pause'; playBtn.textContent = t('qa.player.pause'); watch(); });
  audio.addEventListener('pause', () => { playBtn.dataset.i18n = 'qa.player.play'; playBtn.textContent = t('qa.player.play'); renderTime(); });
  audio.addEventListener('timeupdate', () => { renderTime(); onTime(nowMs()); });
  audio.addEventListener('error', () => {
    if (status.dataset.i18n === 'qa.player.notOnThisNode') return; // the same cause, already told
    status.hidden = false;
    status.dataset.i18n = 'qa.player.audioError';
    status.textContent = t('qa.player.audioError');
  });

  function xToMs(clientX) {
    const r = wave.getBoundingClientRect();
    return Math.max(0, Math.min(1, (clientX - r.left) / r.width)) * duration;
  }

  wave.addEventListener('click', (ev) => {
    const clickAt = performance.now();
    if (!(duration > 0)) return;
    seek(xToMs(ev.clientX), { play: true, clickAt });
  });
  wave.addEventListener('mousemove', (ev) => {
    if (!(duration > 0)) return;
    const r = wave.getBoundingClientRect();
    hover.style.left = `${ev.clientX - r.left}px`;
    hover.dataset.time = clock(xToMs(ev.clientX));
    hover.hidden = false;
  });
  wave.addEventListener('mouseleave', () => { hover.hidden = true; });
  hover.hidden = true;
  playBtn.addEventListener('click', () => toggle());
  back.addEventListener('click', () => skip(-5000));
  fwd.addEventListener('click', () => skip(5000));
  nextBtn.addEventListener('click', () => nextSpeech());
  speed.addEventListener('change', () => { audio.playbackRate = Number(speed.value); });

  function toggle() {
    if (audio.paused) {
      audio.play().catch(() => {});
    } else audio.pause();
  }

  function skip(delta) {
    seek(nowMs() + delta, { play: !audio.paused });
  }

  function changeSpeed(dir) {
    const i = SPEEDS.indexOf(Number(speed.value));
    const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, (i < 0 ? 2 : i) + dir))];
    speed.value = String(next);
    audio.playbackRate = next;
  }

  function speechSpans() {
    if (spans) return spans;
    const legs = activity ? [activity.customer, activity.agent].filter((l) => l && Array.isArray(l.spans)) : [];
    if (legs.length) spans = legs.flatMap((l) => l.spans);
    else if (peaksData) spans = peaksData.lanes.flatMap((lane) => spansFromPeaks(lane, peaksData.msPerPixel));
    else return [];
    spans = spans.map(([a, b]) => [Number(a), Number(b)]).sort((x, y) => x[0] - y[0]);
    return spans;
  }

  /** To the start of the next stretch of speech on either leg after the playhead (200 ms of slack). */
  function nextSpeech() {
    const now = nowMs() + 200;
    const next = speechSpans().find(([from]) => from > now);
    if (next) seek(next[0], { play: !audio.paused });
    return next ? next[0] : null;
  }

  /** The player's keys; true when the key was the player's. */
  function handleKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return false;
    const step = ev.shiftKey ? 1000 : 5000;
    switch (ev.key) {
      case ' ': toggle(); return true;
      case 'ArrowLeft': skip(-step); return true;
      case 'ArrowRight': skip(step); return true;
      case '[': changeSpeed(-1); return true;
      case ']': changeSpeed(1); return true;
      case 'n': case 'N': nextSpeech(); return true;
      default: return false;
    }
  }

  const resize = new ResizeObserver(() => draw());
  resize.observe(wave);

  const peaksPromise = peaks || fetch(`${base}/peaks`, { credentials: 'same-origin', cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : r.json().catch(() => ({})).then((problem) => Promise.reject(
      Object.assign(new Error(`HTTP ${r.status}`), { code: problem.error, detail: problem.message })))));
  peaksPromise.then((json) => {
    if (destroyed) return;
    opened.peaksAt = performance.now();
    peaksData = splitPeaks(json);
    if (!(duration > 0)) duration = peaksData.pixels * peaksData.msPerPixel;
    wave.setAttribute('aria-valuemax', String(Math.round(duration / 1000)));
    status.hidden = true;
    draw();
    renderMarkers();
    renderTime();
    root.dataset.waveform = 'drawn';
    // On screen: the frame after the canvas was drawn.
    requestAnimationFrame(() => {
      opened.drawnAt = performance.now();
      opened.ms = opened.drawnAt - opened.openAt;
    });
  }).catch((e) => {
    if (destroyed) return;
    status.hidden = false;
    // A cluster whose nodes do not share the recordings archive (docs/cluster.md): say so, the server's words
    // (which node has the recording) in the tooltip for whoever fixes it.
    const key = e && e.code === 'archive_not_shared' ? 'qa.player.notOnThisNode' : 'qa.player.peaksError';
    status.dataset.i18n = key;
    status.textContent = t(key);
    if (key === 'qa.player.notOnThisNode' && e.detail) status.title = e.detail;
    root.dataset.waveform = 'failed';
  });
  renderTime();

  return {
    root,
    audio,
    get durationMs() { return duration; },
    currentMs: nowMs,
    seek,
    toggle,
    skip,
    nextSpeech,
    changeSpeed,
    handleKey,
    redraw: draw,
    setComments(list) { commentList = list || []; renderMarkers(); },
    destroy() {
      destroyed = true;
      cancelAnimationFrame(raf);
      resize.disconnect();
      audio.pause();
      audio.removeAttribute('src');
      audio.load();
    }
  };
}
