// The gateway's API as the playground uses it: the models list, and a streamed chat completion read as
// server-sent events, the run's named `moa` events apart from the answer's chunks.

function authorization(key) {
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** The gateway's message from an error response, `{"error": {"message": ...}}`, or the bare status. */
async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body?.error?.message) return body.error.message;
  } catch { /* not JSON: a proxy's page, say */ }
  return `HTTP ${response.status} ${response.statusText}`.trim();
}

/**
 * The server-sent events of a response body, as `{event, data}`. EventSource cannot POST, so the stream is
 * read here by the SSE rules: a line ends in \n, \r\n or \r; a blank line ends an event; a line starting
 * with ':' is a comment (the gateway's keep-alives while proposers work); an event without data is none.
 * Leaving the loop early cancels the body, which closes the connection.
 */
export async function* serverSentEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  let event = '';
  let data = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const text = pending + value;
      // A final \r may be the first half of \r\n: keep it back, or the \n would make a blank line.
      const cut = text.endsWith('\r') ? text.length - 1 : text.length;
      const lines = text.slice(0, cut).split(/\r\n|\r|\n/);
      pending = lines.pop() + text.slice(cut);
      for (const line of lines) {
        if (line === '') {
          if (data.length) yield { event: event || 'message', data: data.join('\n') };
          event = '';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
        }
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * POSTs a streamed chat completion and hands each frame over: `onEvent` gets the run's `moa` events,
 * `onChunk` the answer's chunks. Resolves at `[DONE]`. Rejects with the gateway's message on an error
 * status or an in-band `{"error": ...}` frame, and when the stream stops without `[DONE]`, so a cut answer
 * never passes for a whole one.
 */
export async function streamCompletion(body, key, { onEvent, onChunk }, signal) {
  const response = await fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...authorization(key) },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok) throw new Error(await errorMessage(response));
  for await (const { event, data } of serverSentEvents(response.body)) {
    if (data === '[DONE]') return;
    const payload = JSON.parse(data);
    // Only a plain data frame can be the stream's error: a settled proposal's `error` is a string that says
    // why that one proposer failed, while the run goes on.
    if (event === 'moa') onEvent(payload);
    else if (payload.error) throw new Error(payload.error.message || 'The stream failed.');
    else onChunk(payload);
  }
  throw new Error('The stream ended before the answer was complete.');
}

/** The models the gateway serves, `[{id, owned_by, ...}]`; rejects with the gateway's message (a 401, say). */
export async function listModels(key) {
  const response = await fetch('/v1/models', { headers: authorization(key) });
  if (!response.ok) throw new Error(await errorMessage(response));
  const { data = [] } = await response.json();
  return data;
}
