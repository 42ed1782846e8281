// app.js: the quotetrail page (served from api/ by `quotetrail serve`).
//
// Plain ES module, no build step, no external resources. It talks to the
// HTTP API v1 (api/v1/..., relative to the page) and keeps what is on screen
// in location.hash, so any view can be shared or bookmarked:
//   q speaker agency outlet lang kind from to   the search filters
//   quote=ID                                    the open provenance chain
//   doc=ID&occ=ID                               the open article, occurrence highlighted
//   ct=TEXT&cs=SPEAKER                          the attribution check
// Data from the API reaches the DOM only as text nodes and attribute values
// (never innerHTML); external links are kept only when they are http(s).
// API errors are shown as the message of {"error": {"message"}}. A server
// that needs a token to read (401) gets one from #token-form, kept in the
// tab's sessionStorage and sent with every request and download.

const API = new URL('api/v1/', document.baseURI);
const FILTERS = ['q', 'speaker', 'agency', 'outlet', 'lang', 'kind', 'from', 'to'];
const PAGE_SIZE = 20;

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- DOM helpers

// el('a', {href: x, class: 'y'}, 'text', child...): strings become text nodes.
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

// The URL when it is an absolute http(s) URL, else null (no javascript: links).
function safeUrl(value) {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function plural(n, word) {
  const count = Number.isFinite(n) ? n : 0;
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

// Joins nodes or strings as "a, b and c".
function joinList(items) {
  const out = [];
  items.forEach((item, i) => {
    if (i > 0) out.push(i === items.length - 1 ? ' and ' : ', ');
    out.push(item);
  });
  return out;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC',
});
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
  hourCycle: 'h23', timeZone: 'UTC',
});

// A <time> for an RFC 3339 string; `estimated` adds a visible note.
function timeNode(iso, estimated, withTime = false) {
  if (!iso) return el('span', { class: 'muted' }, 'date unknown');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return el('span', {}, iso);
  const text = withTime ? `${dateTimeFormat.format(date)} UTC` : dateFormat.format(date);
  const node = el('time', { datetime: iso }, text);
  if (!estimated) return node;
  return el('span', {}, node, ' ', el('span', {
    class: 'estimated',
    title: 'The article gave no date; this is when quotetrail read it.',
  }, '(date estimated)'));
}

const KIND_LABELS = { full: 'full quote', partial: 'partial quote', indirect: 'indirect speech' };

// ---------------------------------------------------------------- API

class ApiError extends Error {}

// A server run with --require-token-for-reads answers 401 without a Bearer
// token. The user pastes one into #token-form; it lives in sessionStorage
// (this tab only) and goes with every request, downloads included.
const TOKEN_KEY = 'quotetrail.token';

function apiToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

function authHeaders() {
  const token = apiToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

function askForToken(rejected) {
  $('token-form').hidden = false;
  $('token-hint').firstChild.textContent = rejected
    ? 'The server did not accept this API token. Paste another one '
    : 'This server asks for an API token before it answers. Paste one ';
}

// GET (or POST with a JSON body) api/v1/PATH; resolves to the parsed JSON,
// rejects with ApiError carrying a message for people (or AbortError).
async function api(path, { method = 'GET', body, signal } = {}) {
  let response;
  try {
    response = await fetch(new URL(path, API), {
      method,
      signal,
      headers: { ...authHeaders(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError('Could not reach the quotetrail server. Is it still running?');
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.status === 401) {
    askForToken(apiToken() !== '');
    throw new ApiError('This server needs an API token: paste it in the form at the top of the page.');
  }
  if (!response.ok) {
    const message = data && data.error && typeof data.error.message === 'string'
      ? data.error.message : '';
    throw new ApiError(message || `The server answered ${response.status} ${response.statusText}`.trim());
  }
  if (data === null || typeof data !== 'object') {
    throw new ApiError('The server sent an answer that is not JSON.');
  }
  return data;
}

// Links to the API (CSV export, PROV-JSON) follow the token too: with one
// set, a click fetches the file with the Authorization header and saves it.
async function downloadWithToken(event) {
  const link = event.currentTarget;
  if (!apiToken()) return;  // a plain link does
  event.preventDefault();
  let response;
  try {
    response = await fetch(link.href, { headers: authHeaders() });
  } catch {
    alert('Could not reach the quotetrail server. Is it still running?');
    return;
  }
  if (response.status === 401) {
    askForToken(true);
    return;
  }
  if (!response.ok) {
    alert(`The server answered ${response.status} for this download.`);
    return;
  }
  const disposition = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '');
  const blob = await response.blob();
  const objectUrl = URL.createObjectURL(blob);
  const a = el('a', { href: objectUrl, download: disposition ? disposition[1] : link.dataset.filename || 'download' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(objectUrl), 60000);
}

function errorNode(error) {
  return el('p', { class: 'error', role: 'alert' }, el('strong', {}, 'Error: '), error.message);
}

// ---------------------------------------------------------------- URL state

function readHash() {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}

// The hash with `changes` applied (null or '' removes a key).
function hashWith(changes) {
  const params = readHash();
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '') params.delete(key);
    else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `#${text}` : '#';
}

// Applies `changes` to the hash as a new history entry and shows the result.
function navigate(changes, { replace = false } = {}) {
  const hash = hashWith(changes);
  if (hash !== (location.hash || '#')) {
    if (replace) history.replaceState(null, '', hash);
    else history.pushState(null, '', hash);
  }
  applyState();
}

function filtersFrom(params) {
  const filters = {};
  for (const name of FILTERS) filters[name] = (params.get(name) || '').trim();
  return filters;
}

function filterParams(filters) {
  const params = new URLSearchParams();
  for (const name of FILTERS) if (filters[name]) params.set(name, filters[name]);
  return params;
}

// What is on screen, to redo only what changed when the hash changes.
const shown = { search: null, quote: null, doc: null, check: null };
let focusOnOpen = false;  // move focus to what opens next (after a user action)

function applyState() {
  const params = readHash();
  const filters = filtersFrom(params);
  const searchKey = filterParams(filters).toString();
  if (searchKey !== shown.search) {
    shown.search = searchKey;
    fillSearchForm(filters);
    updateExportLink(filters);
    search(filters, null);
  }

  const quote = params.get('quote') || '';
  if (quote !== shown.quote) {
    shown.quote = quote;
    markSelected(quote);
    if (quote) openQuote(quote);
    else closeQuote();
  }

  const doc = params.get('doc') || '';
  const docKey = doc ? `${doc}/${params.get('occ') || ''}` : '';
  if (docKey !== shown.doc) {
    shown.doc = docKey;
    if (doc) openDocument(doc, params.get('occ') || '');
    else closeDocument();
  }

  const checkText = params.get('ct') || '';
  const checkSpeaker = params.get('cs') || '';
  const checkKey = checkText ? JSON.stringify([checkText, checkSpeaker]) : '';
  if (checkKey !== shown.check) {
    shown.check = checkKey;
    $('c-text').value = checkText;
    $('c-speaker').value = checkSpeaker;
    if (checkText) check(checkText, checkSpeaker);
    else clearCheck();
  }
  focusOnOpen = false;
}

// ---------------------------------------------------------------- search

function fillSearchForm(filters) {
  for (const name of FILTERS) $(`f-${name}`).value = filters[name];
}

function readSearchForm() {
  const filters = {};
  for (const name of FILTERS) filters[name] = $(`f-${name}`).value.trim();
  return filters;
}

function updateExportLink(filters) {
  const params = filterParams(filters);
  const query = params.toString();
  $('export-link').href = new URL(`export.csv${query ? `?${query}` : ''}`, API).href;
}

function describeFilters(filters) {
  const parts = [];
  if (filters.q) parts.push(`matching “${filters.q}”`);
  if (filters.speaker) parts.push(`said by ${filters.speaker}`);
  if (filters.agency) parts.push(`via ${filters.agency}`);
  if (filters.outlet) parts.push(`in ${filters.outlet}`);
  if (filters.lang) parts.push(`in language ${filters.lang}`);
  if (filters.kind) parts.push(`of kind ${KIND_LABELS[filters.kind] || filters.kind}`);
  if (filters.from) parts.push(`published from ${filters.from}`);
  if (filters.to) parts.push(`published up to ${filters.to}`);
  return parts.join(', ');
}

let searchController = null;
let nextCursor = null;
let currentFilters = null;

// Lists the quotes for `filters`; with a cursor, appends the next page.
async function search(filters, cursor) {
  if (searchController) searchController.abort();
  const controller = new AbortController();
  searchController = controller;
  currentFilters = filters;

  const section = $('results');
  const list = $('results-list');
  const status = $('results-status');
  const more = $('more');
  const params = filterParams(filters);
  params.set('limit', String(PAGE_SIZE));
  if (cursor) params.set('cursor', cursor);

  section.setAttribute('aria-busy', 'true');
  status.className = 'status loading';
  status.textContent = cursor ? 'Loading more quotes…' : 'Searching…';
  section.querySelectorAll('.error').forEach((node) => node.remove());
  more.disabled = true;
  if (!cursor) {
    list.replaceChildren();
    more.hidden = true;
  }

  try {
    const data = await api(`quotes?${params}`, { signal: controller.signal });
    const quotes = Array.isArray(data.quotes) ? data.quotes : [];
    const firstNew = list.children.length;
    for (const quote of quotes) list.append(resultItem(quote));
    nextCursor = typeof data.next_cursor === 'string' && data.next_cursor ? data.next_cursor : null;
    more.hidden = !nextCursor;
    status.className = 'status';
    const count = list.children.length;
    const what = describeFilters(filters);
    if (count === 0) {
      status.textContent = what
        ? `No quotes ${what}. Try fewer words or fewer filters.`
        : 'No quotes stored yet. Ingest articles with `quotetrail ingest`.';
      status.classList.add('empty');
    } else {
      status.textContent = `${plural(count, 'quote')}${what ? ` ${what}` : ', latest first'}`
        + `${nextCursor ? '; more below' : ''}.`;
    }
    if (cursor && quotes.length > 0) list.children[firstNew].querySelector('a')?.focus();
  } catch (error) {
    if (error.name === 'AbortError') return;
    status.className = 'status';
    status.textContent = '';
    list.after(errorNode(error));
    more.hidden = !(cursor && nextCursor);
  } finally {
    if (searchController === controller) {
      section.setAttribute('aria-busy', 'false');
      more.disabled = false;
    }
  }
}

// Marks the result whose chain is open (aria-current), unmarks the others.
function markSelected(id) {
  for (const item of $('results-list').children) {
    if (item.dataset.quoteId === id) item.setAttribute('aria-current', 'true');
    else item.removeAttribute('aria-current');
  }
}

function speakerNames(speakers) {
  if (!Array.isArray(speakers) || speakers.length === 0) {
    return el('span', { class: 'muted' }, 'no identified speaker');
  }
  return joinList(speakers.map((s) => el('span', { class: 'speaker' }, s.name,
    Number.isFinite(s.occurrences) ? el('span', { class: 'count' }, ` (${s.occurrences})`) : null)));
}

function firstSeen(first, withTime = false) {
  if (!first) return el('span', { class: 'muted' }, 'unknown');
  return [timeNode(first.published_at, first.published_at_estimated, withTime),
    first.outlet ? [', ', el('span', { class: 'outlet' }, first.outlet)] : null];
}

function conflictBadge() {
  return el('span', { class: 'badge badge-conflict' },
    el('span', { 'aria-hidden': 'true' }, '⚠ '), 'Conflicting attributions');
}

function fact(term, ...value) {
  return el('div', { class: 'fact' }, el('dt', {}, term), el('dd', {}, value));
}

function quoteText(text, lang, id) {
  return el('blockquote', { class: 'quote-text', lang: lang || null, id: id || null },
    el('p', {}, el('q', {}, text)));
}

function resultItem(quote) {
  const textId = `result-${quote.id}-text`;
  const via = Array.isArray(quote.via) ? quote.via : [];
  const link = el('a', {
    class: 'open-chain',
    href: hashWith({ quote: quote.id, doc: null, occ: null }),
    'aria-describedby': textId,
    onclick: (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      focusOnOpen = true;
      if (String(quote.id) === shown.quote) shown.quote = null;  // reopen and refocus
      navigate({ quote: quote.id, doc: null, occ: null });
    },
  }, 'Provenance chain');
  return el('li', {
    class: `result${quote.conflict ? ' has-conflict' : ''}`,
    dataset: { quoteId: quote.id },
    'aria-current': String(quote.id) === shown.quote ? 'true' : null,
  },
    quoteText(quote.text, quote.language, textId),
    quote.conflict ? conflictBadge() : null,
    el('dl', { class: 'facts' },
      fact('Said by', speakerNames(quote.speakers)),
      fact('First seen', firstSeen(quote.first_appearance)),
      fact('Seen', `${plural(quote.occurrences, 'time')} in ${plural(quote.documents, 'article')}`),
      via.length ? fact('Via', via.map((v) => v.name).join(', ')) : null),
    link);
}

// ---------------------------------------------------------------- provenance chain

let quoteController = null;

async function openQuote(id) {
  if (quoteController) quoteController.abort();
  const controller = new AbortController();
  quoteController = controller;
  const panel = $('quote-panel');
  const body = $('quote-body');
  const status = $('quote-status');
  const focus = focusOnOpen;
  panel.hidden = false;
  panel.setAttribute('aria-busy', 'true');
  document.body.classList.add('quote-open');
  body.replaceChildren();
  status.className = 'status loading';
  status.textContent = 'Loading the provenance chain…';
  if (focus) $('quote-heading').focus();
  try {
    const data = await api(`quotes/${encodeURIComponent(id)}`, { signal: controller.signal });
    body.replaceChildren(renderQuote(data));
    status.className = 'status';
    const chain = Array.isArray(data.chain) ? data.chain : [];
    status.textContent = `Provenance chain: ${plural(chain.length, 'occurrence')}`
      + `${data.quote && data.quote.conflict ? ', with conflicting attributions' : ''}.`;
    if (focus) {
      $('quote-heading').focus();
      panel.scrollIntoView({ block: 'start', behavior: 'smooth' });
    }
  } catch (error) {
    if (error.name === 'AbortError') return;
    status.className = 'status';
    status.textContent = '';
    body.replaceChildren(errorNode(error));
  } finally {
    if (quoteController === controller) panel.setAttribute('aria-busy', 'false');
  }
}

function closeQuote() {
  if (quoteController) quoteController.abort();
  $('quote-panel').hidden = true;
  $('quote-body').replaceChildren();
  document.body.classList.remove('quote-open');
}

function renderQuote(data) {
  const quote = data.quote || {};
  const chain = Array.isArray(data.chain) ? data.chain : [];
  const conflicts = Array.isArray(data.conflicts) ? data.conflicts : [];
  const mainSpeaker = Array.isArray(quote.speakers) && quote.speakers.length ? quote.speakers[0].id : null;
  const byId = new Map(chain.map((o) => [String(o.id), o]));
  const via = Array.isArray(quote.via) ? quote.via : [];

  const fragment = document.createDocumentFragment();
  fragment.append(
    quoteText(quote.text, quote.language),
    quote.conflict ? conflictBadge() : '',
    el('dl', { class: 'facts' },
      fact('Said by', speakerNames(quote.speakers)),
      fact('First seen', firstSeen(quote.first_appearance, true)),
      fact('Seen', `${plural(quote.occurrences, 'time')} in ${plural(quote.documents, 'article')}`),
      via.length ? fact('Via', via.map((v) => `${v.name}${v.kind ? ` (${v.kind})` : ''}`).join(', ')) : null));

  if (conflicts.length) {
    fragment.append(el('div', { class: 'conflict-box', role: 'note', 'aria-labelledby': 'conflict-heading' },
      el('h3', { id: 'conflict-heading' }, 'Conflicting attributions'),
      el('p', {}, 'Articles give these words to different people:'),
      el('ul', {}, conflicts.map((c) => {
        const first = byId.get(String(c.first_occurrence_id));
        return el('li', {},
          el('strong', {}, c.speaker ? c.speaker.name : 'unknown'),
          ` in ${plural(c.occurrences, 'occurrence')}`,
          first ? [', first ', jumpButton(first, 'at')] : null);
      }))));
  }

  fragment.append(
    el('h3', { class: 'timeline-heading' }, 'Timeline'),
    el('p', { class: 'hint' }, 'Earliest first. Each line reads speaker → relays → outlet that published it.'),
    el('ol', { class: 'timeline' }, chain.map((o) => occurrenceItem(o, quote, mainSpeaker, byId))));

  if (chain.length === 0) fragment.append(el('p', { class: 'status empty' }, 'No occurrences stored for this quote.'));
  if (data.chain_truncated) {
    fragment.append(el('p', { class: 'hint' },
      `Only the first ${plural(chain.length, 'occurrence')} are shown; the CSV export lists them all.`));
  }

  fragment.append(el('p', { class: 'links' },
    el('a', {
      href: new URL(`quotes/${encodeURIComponent(quote.id)}/prov`, API).href,
      'data-filename': `quote-${quote.id}-prov.json`,
      onclick: downloadWithToken,
    }, 'PROV-JSON of this chain')));
  return fragment;
}

// A button that scrolls to an occurrence of the timeline and focuses it.
function jumpButton(occurrence, prefix) {
  const doc = occurrence.document || {};
  const where = [doc.outlet || 'unknown outlet'];
  return el('button', {
    type: 'button',
    class: 'link-button',
    onclick: () => {
      const target = $(`occ-${occurrence.id}`);
      if (!target) return;
      target.scrollIntoView({ block: 'center', behavior: 'smooth' });
      target.focus({ preventScroll: true });
    },
  }, `${prefix ? `${prefix} ` : ''}${where.join('')}, `, timeNode(doc.published_at, false));
}

function speakerLabel(speaker, mention) {
  if (speaker && speaker.name) return speaker.name;
  if (mention) return mention;
  return 'unattributed';
}

// The context sentence with the occurrence's words marked (when found in it).
function contextNode(o, lang) {
  const context = typeof o.context === 'string' ? o.context : '';
  const text = typeof o.text === 'string' ? o.text : '';
  const at = context && text ? context.indexOf(text) : -1;
  if (at < 0) return quoteText(text, lang);
  return el('blockquote', { class: 'context', lang: lang || null },
    el('p', {}, context.slice(0, at), el('mark', {}, text), context.slice(at + text.length)));
}

function occurrenceItem(o, quote, mainSpeaker, byId) {
  const doc = o.document || {};
  const speakerId = o.speaker ? o.speaker.id : null;
  const conflicting = Boolean(quote.conflict) && speakerId !== null && speakerId !== undefined
    && mainSpeaker !== null && speakerId !== mainSpeaker;
  const vias = Array.isArray(o.via) ? o.via : [];

  // speaker → relays → outlet
  const link = (className, role, name) => el('li', { class: className },
    el('span', { class: 'chip' }, el('span', { class: 'role' }, role), ' ', name));
  const links = [link(`chain-speaker${conflicting ? ' conflicting' : ''}`, 'speaker',
    speakerLabel(o.speaker, o.speaker_mention))];
  for (const v of vias) links.push(link('chain-via', v.kind || 'relay', v.name));
  if (doc.outlet && !vias.some((v) => v.name === doc.outlet)) {
    links.push(link('chain-outlet', 'outlet', doc.outlet));
  }
  const chainList = el('ol', { class: 'chain', 'aria-label': 'Who passed it on' });
  links.forEach((li, i) => {
    if (i > 0) li.prepend(el('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'));
    chainList.append(li);
  });

  const details = [];
  if (o.kind) details.push(KIND_LABELS[o.kind] || o.kind);
  if (o.cue) details.push(`cue “${o.cue}”`);
  if (o.speaker_mention && o.speaker && o.speaker.name && o.speaker_mention !== o.speaker.name) {
    details.push(`named as “${o.speaker_mention}”`);
  }
  if (Number.isFinite(o.confidence)) details.push(`confidence ${Math.round(o.confidence * 100)} %`);

  const source = o.derived_from !== null && o.derived_from !== undefined ? byId.get(String(o.derived_from)) : null;
  const url = safeUrl(doc.url);
  const title = doc.title || `Untitled article${doc.outlet ? ` in ${doc.outlet}` : ''} (no. ${doc.id})`;

  return el('li', {
    class: `occurrence${o.first ? ' first' : ''}${conflicting ? ' conflicting' : ''}`,
    id: `occ-${o.id}`,
    tabindex: '-1',
    dataset: { occurrenceId: o.id },
  },
  el('div', { class: 'occ-head' },
    timeNode(doc.published_at, doc.published_at_estimated, true),
    o.first ? el('span', { class: 'badge badge-first' }, 'First appearance') : null,
    conflicting ? el('span', { class: 'badge badge-conflict' },
      el('span', { 'aria-hidden': 'true' }, '⚠ '), 'Different speaker') : null),
  chainList,
  contextNode(o, doc.language),
  details.length ? el('p', { class: 'occ-details' }, details.join(' · ')) : null,
  o.derived_from !== null && o.derived_from !== undefined
    ? el('p', { class: 'derived' }, 'Taken from ',
      source ? jumpButton(source, '') : `occurrence ${o.derived_from}`)
    : null,
  el('p', { class: 'occ-source' },
    url ? el('a', { href: url, rel: 'noopener noreferrer', target: '_blank', lang: doc.language || null }, title)
      : el('span', { lang: doc.language || null }, title),
    ' ',
    el('button', {
      type: 'button',
      class: 'open-doc',
      onclick: () => {
        focusOnOpen = true;
        navigate({ doc: doc.id, occ: o.id });
      },
    }, 'Read in the article')));
}

// ---------------------------------------------------------------- article

let docController = null;

async function openDocument(id, occurrenceId) {
  if (docController) docController.abort();
  const controller = new AbortController();
  docController = controller;
  const dialog = $('doc-dialog');
  const status = $('doc-status');
  $('doc-title').textContent = 'Article';
  $('doc-meta').replaceChildren();
  $('doc-text').replaceChildren();
  status.className = 'status loading';
  status.textContent = 'Loading the article…';
  if (!dialog.open) dialog.showModal();
  try {
    const data = await api(`documents/${encodeURIComponent(id)}`, { signal: controller.signal });
    const doc = data.document || {};
    const quotes = Array.isArray(data.quotes) ? data.quotes : [];
    $('doc-title').textContent = doc.title || `Untitled article${doc.outlet ? ` in ${doc.outlet}` : ''} (no. ${doc.id})`;
    $('doc-title').setAttribute('lang', doc.language || '');
    const url = safeUrl(doc.url);
    const current = quotes.find((q) => String(q.occurrence_id) === String(occurrenceId));
    $('doc-meta').replaceChildren(
      el('p', {}, doc.outlet ? el('span', { class: 'outlet' }, doc.outlet) : null,
        doc.outlet ? ', ' : null, timeNode(doc.published_at, doc.published_at_estimated, true),
        url ? [' · ', el('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, 'original page')] : null),
      current
        ? el('p', { class: 'legend' }, el('mark', { class: 'current' }, 'Highlighted'),
          ': the quote attributed to ', el('strong', {}, speakerLabel(current.speaker, null)),
          '. ', el('mark', { class: 'other' }, 'Underlined'), ': other quotes in this article.')
        : el('p', { class: 'legend' }, occurrenceId
          ? 'This occurrence is not in this article. '
          : '', el('mark', { class: 'other' }, 'Underlined'), ': quotes found in this article.'));
    $('doc-text').replaceChildren(highlightedText(typeof doc.text === 'string' ? doc.text : '', quotes, current));
    $('doc-text').setAttribute('lang', doc.language || '');
    status.className = 'status';
    status.textContent = current ? 'Article loaded; the quote is highlighted.' : 'Article loaded.';
    const mark = $('current-quote');
    if (mark) {
      mark.scrollIntoView({ block: 'center' });
      mark.focus({ preventScroll: true });
    } else {
      $('doc-title').focus();
    }
  } catch (error) {
    if (error.name === 'AbortError') return;
    status.className = 'status';
    status.textContent = '';
    $('doc-text').replaceChildren(errorNode(error));
  }
}

function closeDocument() {
  if (docController) docController.abort();
  const dialog = $('doc-dialog');
  if (dialog.open) dialog.close();
}

// The text with quotes marked. Offsets are code points, so the text is split
// with Array.from (not UTF-16 indexes). `current` wins over quotes it
// overlaps; other overlapping quotes are left unmarked.
function highlightedText(text, quotes, current) {
  const chars = Array.from(text);
  const valid = (q) => Number.isInteger(q.start) && Number.isInteger(q.end)
    && q.start >= 0 && q.start < q.end && q.end <= chars.length;
  const spans = [];
  const overlaps = (q) => spans.some((s) => q.start < s.end && s.start < q.end);
  if (current && valid(current)) spans.push(current);
  for (const q of [...quotes].sort((a, b) => a.start - b.start)) {
    if (q !== current && valid(q) && !overlaps(q)) spans.push(q);
  }
  spans.sort((a, b) => a.start - b.start);

  const fragment = document.createDocumentFragment();
  let pos = 0;
  for (const span of spans) {
    fragment.append(chars.slice(pos, span.start).join(''));
    const isCurrent = span === current;
    fragment.append(el('mark', {
      class: isCurrent ? 'current' : 'other',
      id: isCurrent ? 'current-quote' : null,
      tabindex: isCurrent ? '-1' : null,
      title: speakerLabel(span.speaker, null),
    }, chars.slice(span.start, span.end).join('')));
    pos = span.end;
  }
  fragment.append(chars.slice(pos).join(''));
  return fragment;
}

// ---------------------------------------------------------------- attribution check

const VERDICTS = {
  confirmed: { label: 'Confirmed', className: 'verdict-ok', icon: '✓' },
  attributed_to_other: { label: 'Attributed to someone else', className: 'verdict-bad', icon: '✗' },
  disputed: { label: 'Disputed', className: 'verdict-warn', icon: '⚠' },
  not_found: { label: 'Not found', className: 'verdict-none', icon: '?' },
};

let checkController = null;

function clearCheck() {
  if (checkController) checkController.abort();
  $('check-status').textContent = '';
  $('check-result').replaceChildren();
  $('check-result-panel').hidden = true;
}

async function check(text, speaker) {
  if (checkController) checkController.abort();
  const controller = new AbortController();
  checkController = controller;
  const status = $('check-status');
  const result = $('check-result');
  const button = $('check-form').querySelector('button[type=submit]');
  const focus = focusOnOpen;
  result.replaceChildren();
  result.setAttribute('aria-busy', 'true');
  $('check-result-panel').hidden = false;
  status.className = 'status loading';
  status.textContent = 'Checking…';
  button.disabled = true;
  try {
    const data = await api('check', { method: 'POST', body: { text, speaker }, signal: controller.signal });
    const { node, sentence } = renderVerdict(data, speaker);
    result.replaceChildren(node);
    status.className = 'status visually-hidden';  // the verdict box shows it
    status.textContent = sentence;
    if (focus) $('check-result-panel').scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  } catch (error) {
    if (error.name === 'AbortError') return;
    status.className = 'status';
    status.textContent = '';
    result.replaceChildren(errorNode(error));
  } finally {
    if (checkController === controller) {
      result.setAttribute('aria-busy', 'false');
      button.disabled = false;
    }
  }
}

// The verdict box, and one sentence saying it for the status line.
function renderVerdict(data, askedSpeaker) {
  const verdict = VERDICTS[data.verdict] || { label: String(data.verdict), className: 'verdict-none', icon: '?' };
  const matches = Array.isArray(data.matches) ? data.matches : [];
  const resolved = data.speaker && data.speaker.resolved ? data.speaker.resolved : null;
  const asked = resolved ? resolved.name : (data.speaker && data.speaker.query) || askedSpeaker || '';
  // The people the answer rests on: the matches holding the words as they are
  // (similarity 1), else those nearly as similar as the best one, pooled.
  const top = matches.length && Number.isFinite(matches[0].similarity) ? matches[0].similarity : 0;
  const evidence = matches.filter((m) => Number.isFinite(m.similarity)
    && (top >= 1 ? m.similarity >= 1 : m.similarity >= top - 0.05));
  const pooled = new Map();
  for (const m of evidence.length ? evidence : matches.slice(0, 1)) {
    for (const s of Array.isArray(m.attributed_to) ? m.attributed_to : []) {
      const seen = pooled.get(s.id);
      pooled.set(s.id, { ...s, occurrences: (seen ? seen.occurrences : 0) + (s.occurrences || 0) });
    }
  }
  const attributed = [...pooled.values()].sort((a, b) => b.occurrences - a.occurrences);
  const others = attributed.filter((s) => !resolved || s.id !== resolved.id);
  const name = (s) => el('strong', {}, s.name);

  let parts;
  switch (data.verdict) {
    case 'confirmed':
      parts = asked ? [el('strong', {}, asked), ' is on record saying these words.']
        : ['These words are on record.'];
      break;
    case 'attributed_to_other':
      parts = ['These words are attributed to ', joinList(others.map(name)),
        asked ? [', not to ', el('strong', {}, asked)] : null, '.'];
      break;
    case 'disputed':
      parts = ['Articles give these words to different people: ', joinList(attributed.map(name)), '.'];
      break;
    case 'not_found':
      parts = ['No stored quote matches these words.'];
      break;
    default:
      parts = [];
  }
  const sentenceNode = el('p', { class: 'verdict-sentence' }, parts);

  const box = el('div', { class: `verdict ${verdict.className}`, dataset: { verdict: String(data.verdict) } },
    el('p', { class: 'verdict-label' },
      el('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, verdict.icon), ' ', verdict.label,
      ' ', el('code', { class: 'verdict-code' }, String(data.verdict))),
    sentenceNode,
    data.explanation ? el('p', { class: 'explanation' }, data.explanation) : null);

  const extra = [];
  if (data.speaker && data.speaker.query) {
    extra.push(el('p', { class: 'resolution' }, resolved
      ? [`“${data.speaker.query}” was read as `, el('strong', {}, resolved.name), '.']
      : `“${data.speaker.query}” matches no known speaker.`));
  }
  if (data.earliest) {
    const e = data.earliest;
    const url = safeUrl(e.url);
    extra.push(el('p', {}, 'First appearance: ', firstSeen(e, true),
      e.title ? [' · ', url ? el('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, e.title) : e.title] : null));
  }
  if (matches.length) {
    extra.push(el('h3', {}, 'Matching quotes'), el('ol', { class: 'matches' }, matches.map((m) => {
      const q = m.quote || {};
      const by = Array.isArray(m.attributed_to) ? m.attributed_to : [];
      return el('li', {},
        quoteText(q.text, q.language),
        el('p', {},
          Number.isFinite(m.similarity) ? `${Math.round(m.similarity * 100)} % similar · ` : '',
          'attributed to ', by.length ? joinList(by.map((s) => [el('strong', {}, s.name),
            Number.isFinite(s.occurrences) ? ` (${s.occurrences})` : ''])) : 'nobody identified',
          ' · ',
          el('a', {
            href: hashWith({ quote: q.id, doc: null, occ: null }),
            onclick: (event) => {
              if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
              event.preventDefault();
              focusOnOpen = true;
              navigate({ quote: q.id, doc: null, occ: null });
            },
          }, 'Provenance chain')));
    })));
  }
  const node = el('div', {}, box, extra);
  return { node, sentence: `${verdict.label}. ${sentenceNode.textContent}` };
}

// ---------------------------------------------------------------- suggestions

// Fills a datalist with speaker names as the user types (best effort: a
// failed suggestion request only leaves the list as it was).
function suggestSpeakers(input) {
  let timer = null;
  let controller = null;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const value = input.value.trim();
    if (value.length < 2) return;
    timer = setTimeout(async () => {
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const data = await api(`speakers?${new URLSearchParams({ q: value, limit: '10' })}`,
          { signal: controller.signal });
        const speakers = Array.isArray(data.speakers) ? data.speakers : [];
        $('speaker-list').replaceChildren(...speakers.map((s) => el('option', { value: s.name })));
      } catch (error) {
        if (error.name !== 'AbortError') console.warn('speaker suggestions:', error.message);
      }
    }, 250);
  });
}

async function loadAgencies() {
  try {
    const data = await api('agencies');
    const agencies = Array.isArray(data.agencies) ? data.agencies : [];
    $('agency-list').replaceChildren(...agencies.map((a) => el('option', { value: a.name })));
  } catch (error) {
    console.warn('agency list:', error.message);
  }
}

// ---------------------------------------------------------------- wiring

function init() {
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const filters = readSearchForm();
    shown.search = null;  // search again even when nothing changed
    navigate(Object.fromEntries(FILTERS.map((name) => [name, filters[name]])));
  });
  $('clear-filters').addEventListener('click', () => {
    shown.search = null;
    navigate(Object.fromEntries(FILTERS.map((name) => [name, null])));
    $('f-q').focus();
  });
  // The export link follows the form as it is typed, not only once searched.
  $('search-form').addEventListener('input', () => updateExportLink(readSearchForm()));
  $('search-form').addEventListener('change', () => updateExportLink(readSearchForm()));
  $('more').addEventListener('click', () => {
    if (nextCursor && currentFilters) search(currentFilters, nextCursor);
  });
  $('close-quote').addEventListener('click', () => navigate({ quote: null }));
  $('close-check').addEventListener('click', () => {
    navigate({ ct: null, cs: null });
    $('c-text').focus();
  });
  $('close-doc').addEventListener('click', () => navigate({ doc: null, occ: null }));
  $('doc-dialog').addEventListener('close', () => {
    if (readHash().has('doc')) navigate({ doc: null, occ: null });
  });
  $('check-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('c-text').value.trim();
    const speaker = $('c-speaker').value.trim();
    const missing = !text ? ['c-text', 'Type the quoted words to check.']
      : !speaker ? ['c-speaker', 'Type who is said to have said these words.'] : null;
    if (missing) {
      $('check-status').textContent = '';
      $('check-result-panel').hidden = false;
      $('check-result').replaceChildren(errorNode(new Error(missing[1])));
      $(missing[0]).focus();
      return;
    }
    shown.check = null;
    focusOnOpen = true;
    navigate({ ct: text, cs: speaker });
  });
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    $('results-heading').focus();
  });
  $('export-link').addEventListener('click', downloadWithToken);
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token-input').value.trim();
    if (!token) return;
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      return;
    }
    $('token-input').value = '';
    $('token-form').hidden = true;
    // Everything on screen again, now with the token.
    shown.search = shown.quote = shown.doc = shown.check = null;
    loadAgencies();
    applyState();
  });
  suggestSpeakers($('f-speaker'));
  suggestSpeakers($('c-speaker'));
  window.addEventListener('popstate', applyState);
  window.addEventListener('hashchange', applyState);
  loadAgencies();
  applyState();
}

init();
