// The playground: a chat page for the gateway's own API, no framework and no build step. A mixture streams
// with `"moa": {"events": true}`, so its proposers can be shown as they work; a `provider/model` id just
// streams its answer. Only completed turns join the conversation sent with the next question.

import { listModels, streamCompletion } from './api.js';
import { Turn, setText } from './views.js';

const $ = selector => document.querySelector(selector);

const ui = {
  model: $('#model'),
  compare: $('#compare'),
  apiKey: $('#api-key'),
  newChat: $('#new-chat'),
  status: $('#status'),
  conversation: $('#conversation'),
  composer: $('#composer'),
  prompt: $('#prompt'),
  send: $('#send'),
  stop: $('#stop'),
};

const STORE = { key: 'moa-playground.api-key', model: 'moa-playground.model', compare: 'moa-playground.compare' };
/** The models list marks mixtures with this owner; every other id is a provider/model passthrough. */
const MIXTURE_OWNER = 'moa-gateway';

let mixtures = new Set();
/** The conversation as the API sees it: only turns that completed, so a failed one can simply be re-sent. */
let history = [];
/** Aborts the turn in flight; the gateway then cancels every upstream call of it. */
let running = null;

const key = () => ui.apiKey.value.trim();

function showStatus(message) {
  setText(ui.status, message);
  ui.status.hidden = !message;
}

/** Keeps the newest text in view, unless the reader scrolled up to read something older. */
const follow = (() => {
  let pinned = true;
  ui.conversation.addEventListener('scroll', () => {
    const { scrollTop, scrollHeight, clientHeight } = ui.conversation;
    pinned = scrollHeight - scrollTop - clientHeight < 60;
  });
  new MutationObserver(() => {
    if (pinned) ui.conversation.scrollTop = ui.conversation.scrollHeight;
  }).observe(ui.conversation, { childList: true, subtree: true, characterData: true });
  return { pin: () => { pinned = true; } };
})();

/** An `<optgroup>` of ids, or nothing when there are none. */
function group(label, ids, selected) {
  const element = document.createElement('optgroup');
  element.label = label;
  element.append(...ids.map(id => new Option(id, id, false, id === selected)));
  return ids.length ? [element] : [];
}

/** Counts the loads, so an answer for a key since changed is dropped instead of overwriting a newer one. */
let modelLoads = 0;

/** Fills both pickers from `GET /v1/models`; the models list needs the key too, so a 401 shows here. */
async function loadModels() {
  const load = ++modelLoads;
  try {
    const data = await listModels(key());
    if (load !== modelLoads) return;
    const mixtureIds = data.filter(model => model.owned_by === MIXTURE_OWNER).map(model => model.id);
    const modelIds = data.filter(model => model.owned_by !== MIXTURE_OWNER).map(model => model.id);
    mixtures = new Set(mixtureIds);
    const selected = localStorage.getItem(STORE.model) ?? mixtureIds[0];
    ui.model.replaceChildren(...group('Mixtures', mixtureIds, selected), ...group('Models', modelIds, selected));
    ui.compare.replaceChildren(new Option('nothing', ''),
      ...group('Models', modelIds, localStorage.getItem(STORE.compare)));
    ui.model.disabled = data.length === 0;
    showStatus(data.length ? '' : 'The gateway serves no models.');
  } catch (error) {
    if (load !== modelLoads) return;
    ui.model.replaceChildren(new Option('no models', ''));
    ui.model.disabled = true;
    showStatus(`Models could not be loaded: ${error.message}`);
  }
}

function setBusy(busy) {
  ui.send.hidden = busy;
  ui.stop.hidden = !busy;
}

async function send(question) {
  const model = ui.model.value;
  const mixture = mixtures.has(model);
  const compareModel = ui.compare.value && ui.compare.value !== model ? ui.compare.value : null;
  const messages = [...history, { role: 'user', content: question }];

  ui.conversation.querySelector('.empty')?.remove();
  // Past turns keep their answers in view; their proposers fold away.
  ui.conversation.querySelectorAll('.turn .proposers').forEach(panel => { panel.open = false; });
  const turn = new Turn(question, model, mixture, compareModel);
  ui.conversation.append(turn.element);
  follow.pin();

  running = new AbortController();
  setBusy(true);
  const request = { messages, stream: true, stream_options: { include_usage: true } };
  // The events show the whole run, so no progress account: a mixture set to `think-tags` would write one
  // into the answer's content.
  const moa = { events: true, progress: 'none' };
  const answered = streamCompletion({ ...request, model, ...(mixture && { moa }) }, key(), {
    onEvent: event => turn.event(event),
    onChunk: chunk => turn.main.chunk(chunk),
  }, running.signal);
  const compared = compareModel && streamCompletion({ ...request, model: compareModel }, key(), {
    onEvent: () => {},
    onChunk: chunk => turn.compare.chunk(chunk),
  }, running.signal).then(() => turn.compare.finish(), error => turn.compare.fail(stopped(error)));

  try {
    await answered;
    turn.main.finish();
    turn.showUsage();
    await compared;
    // Only the main answer joins the conversation; a comparison is a side view of the same question.
    history = [...messages, { role: 'assistant', content: turn.main.text }];
    turn.state = 'done';
  } catch (error) {
    turn.main.fail(stopped(error));
    turn.state = error.name === 'AbortError' ? 'stopped' : 'error';
    running.abort();
    // The question did not join the conversation: give it back, ready to send again.
    if (!ui.prompt.value) ui.prompt.value = question;
  } finally {
    running = null;
    setBusy(false);
    ui.prompt.focus();
  }
}

const stopped = error => (error.name === 'AbortError' ? 'Stopped.' : error.message);

ui.composer.addEventListener('submit', event => {
  event.preventDefault();
  const question = ui.prompt.value.trim();
  if (!question || running || !ui.model.value) return;
  ui.prompt.value = '';
  send(question);
});

ui.prompt.addEventListener('keydown', event => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.composer.requestSubmit();
  }
});

ui.stop.addEventListener('click', () => running?.abort());

ui.newChat.addEventListener('click', () => {
  running?.abort();
  history = [];
  ui.conversation.replaceChildren();
  ui.prompt.focus();
});

ui.model.addEventListener('change', () => localStorage.setItem(STORE.model, ui.model.value));
ui.compare.addEventListener('change', () => localStorage.setItem(STORE.compare, ui.compare.value));

// The key is kept in this browser only, and the model list reloaded once typing pauses.
let keyTimer;
ui.apiKey.addEventListener('input', () => {
  localStorage.setItem(STORE.key, key());
  clearTimeout(keyTimer);
  keyTimer = setTimeout(loadModels, 300);
});

ui.apiKey.value = localStorage.getItem(STORE.key) ?? '';
loadModels();
