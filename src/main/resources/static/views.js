// The views of a turn, filled in from what streams: a mixture's run from its `moa` events (version 1), each
// layer a row of proposer cards; the answer, and a comparison, from the chunks. Text is only ever set as
// text, never as HTML: models' answers are data, not markup.

const $ = (selector, root = document) => root.querySelector(selector);

const ms = value => (value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`);
const count = value => value.toLocaleString('en');

export function setText(element, text) {
  element.textContent = text ?? '';
}

/** A clone of a `<template>`'s element: the markup lives in index.html, the script only fills it in. */
function cloneOf(id) {
  return $(`#${id}`).content.firstElementChild.cloneNode(true);
}

/** Shows one call's figures; every part is optional, as the protocol says. */
function showStats(root, { first_token_ms: firstToken, duration_ms: duration, usage }) {
  setText($('.ttft', root), firstToken == null ? '' : `first token ${ms(firstToken)}`);
  setText($('.duration', root), duration == null ? '' : `took ${ms(duration)}`);
  setText($('.tokens', root), usage?.completion_tokens == null ? '' : `${count(usage.completion_tokens)} tokens`);
}

/** Appends streamed text, keeping its end in view when the box scrolls. */
function appendText(element, text) {
  element.append(text);
  element.scrollTop = element.scrollHeight;
}

/** A proposer's model, and which of its samples when it is one. */
const label = event => (event.sample ? `${event.model} #${event.sample}` : event.model);

/** A proposer's card: its draft streams in, then its outcome and figures. */
class Card {
  constructor(layer, index) {
    this.element = cloneOf('card-template');
    Object.assign(this.element.dataset, { layer, index });
    setText($('.who', this.element), `proposer ${index + 1}`);
    this.text = $('.text', this.element);
  }

  set model(model) {
    this.element.dataset.model = model;
    setText($('.who', this.element), model);
  }

  set state(state) {
    this.element.dataset.state = state;
    setText($('.outcome', this.element), state === 'streaming' ? 'writing…' : 'working…');
  }

  draft(text) {
    if (this.element.dataset.state !== 'streaming') this.state = 'streaming';
    appendText(this.text, text);
  }

  settle(event) {
    this.element.dataset.state = 'settled';
    this.element.dataset.outcome = event.outcome ?? 'unknown';
    this.element.classList.toggle('failed', event.outcome !== 'answered');
    setText($('.outcome', this.element), event.outcome ?? 'settled');
    showStats(this.element, event);
    const error = $('.error', this.element);
    setText(error, event.error);
    error.hidden = !event.error;
  }
}

/**
 * The proposers of one run, layer by layer. Cards are made from `run.started`, or on the first event that
 * names them if that is missing, so the view follows whatever part of the protocol arrives.
 */
class RunView {
  constructor(details) {
    this.details = details;
    this.layers = new Map();
  }

  event(event) {
    switch (event.type) {
      case 'run.started':
        this.details.hidden = false;
        for (const { layer, proposers } of event.layers ?? []) this.layer(layer, proposers);
        break;
      case 'layer.started': {
        const layer = this.layer(event.layer, event.proposers);
        layer.element.dataset.state = 'working';
        setText($('.summary', layer.element), 'working…');
        layer.cards.forEach(card => { card.state = 'working'; });
        break;
      }
      case 'draft.delta':
        this.card(event.layer, event.index, label(event)).draft(event.text ?? '');
        break;
      case 'proposal.settled':
        this.card(event.layer, event.index, label(event)).settle(event);
        break;
      case 'layer.settled': {
        const layer = this.layer(event.layer);
        layer.element.dataset.state = 'settled';
        layer.answered = event.answered;
        layer.total = event.total;
        setText($('.summary', layer.element),
          `${event.answered} of ${event.total} answered · ${ms(event.duration_ms ?? 0)}`);
        this.summarize();
        break;
      }
      case 'analysis.started':
        this.analysisCard(event.model).state = 'working';
        break;
      case 'analysis.settled': {
        const card = this.analysisCard(event.model);
        if (event.text) card.draft(event.text);
        card.settle(event);
        setText($('.summary', this.analysis.element), ms(event.duration_ms ?? 0));
        break;
      }
      default: // an event of a later version: nothing to show for it
    }
  }

  /** The analyst's card, in a row of its own after the last layer's. */
  analysisCard(model) {
    if (!this.analysis) {
      const element = cloneOf('layer-template');
      element.dataset.layer = 'analysis';
      setText($('.name', element), 'Analysis of the drafts');
      const card = new Card('analysis', 0);
      $('.cards', element).append(card.element);
      $('.layers', this.details).append(element);
      this.analysis = { element, card };
    }
    if (model) this.analysis.card.model = model;
    return this.analysis.card;
  }

  layer(number, proposers = []) {
    let layer = this.layers.get(number);
    if (!layer) {
      this.details.hidden = false;
      const element = cloneOf('layer-template');
      element.dataset.layer = number;
      setText($('.name', element), `Layer ${number}`);
      layer = { element, cards: [], cardsElement: $('.cards', element) };
      this.layers.set(number, layer);
      // Layers may be announced out of order when run.started is missing; keep them sorted.
      const later = [...this.layers.keys()].filter(other => other > number).sort((a, b) => a - b)[0];
      $('.layers', this.details).insertBefore(element, later ? this.layers.get(later).element : null);
    }
    proposers.forEach((model, index) => this.card(number, index, model));
    return layer;
  }

  card(layerNumber, index, model) {
    const layer = this.layer(layerNumber);
    // Gaps are filled too, so cards stand in their proposers' order whatever order events name them in.
    for (let i = layer.cards.length; i <= index; i++) {
      layer.cards[i] = new Card(layerNumber, i);
      layer.cardsElement.append(layer.cards[i].element);
    }
    const card = layer.cards[index];
    if (model) card.model = model;
    return card;
  }

  /** The line a collapsed panel keeps: what each layer came to. */
  summarize() {
    const parts = [...this.layers.entries()].filter(([, layer]) => layer.total != null)
      .map(([number, layer]) => `layer ${number}: ${layer.answered} of ${layer.total} answered`);
    setText($('summary', this.details), `Proposers · ${parts.join(' · ')}`);
  }
}

/**
 * One streamed answer. Its figures come from the gateway's events where there are any (the aggregator),
 * else they are measured here, from the request's start: for a passthrough that is what a client waits.
 */
class Reply {
  constructor(element, model, role) {
    this.element = element;
    this.element.dataset.model = model;
    this.answer = $('.answer', element);
    this.text = '';
    this.started = performance.now();
    this.firstToken = null;
    this.usage = null;
    this.settled = false;
    setText($('.who', element), model);
    setText($('.role', element), role);
  }

  chunk(chunk) {
    // Only content: a mixture's drafts are already shown from its events, whatever else a chunk carries.
    const content = chunk.choices?.[0]?.delta?.content;
    if (content) {
      this.firstToken ??= performance.now() - this.started;
      this.text += content;
      appendText(this.answer, content);
    }
    if (chunk.usage) this.usage = chunk.usage;
  }

  aggregating({ model, drafts }) {
    setText($('.who', this.element), model);
    setText($('.role', this.element), drafts == null ? 'aggregator' : `aggregator · ${drafts} drafts`);
    this.element.dataset.state = 'streaming';
  }

  /** The aggregator's own figures, from `aggregator.settled`. */
  settle(event) {
    this.settled = true;
    showStats(this.element, event);
    if (event.outcome && event.outcome !== 'answered') this.fail(event.error ?? event.outcome);
  }

  finish() {
    this.element.dataset.state = 'done';
    if (!this.settled) {
      showStats(this.element, {
        first_token_ms: this.firstToken, duration_ms: performance.now() - this.started, usage: this.usage,
      });
    }
  }

  fail(message) {
    this.element.dataset.state = 'failed';
    const error = $('.error', this.element);
    setText(error, message);
    error.hidden = false;
  }
}

/** A question and everything its answer took: the proposers' panel, the answer, a comparison, the usage. */
export class Turn {
  constructor(question, model, mixture, compareModel) {
    this.element = cloneOf('turn-template');
    this.element.dataset.model = model;
    setText($('.user', this.element), question);
    this.run = new RunView($('.proposers', this.element));
    const main = $('.reply.main', this.element);
    this.main = new Reply(main, model, mixture ? 'waiting for the proposers…' : '');
    if (compareModel) {
      const side = main.cloneNode(true);
      side.classList.replace('main', 'compare');
      main.after(side);
      this.compare = new Reply(side, compareModel, 'compared');
    }
  }

  set state(state) {
    this.element.dataset.state = state;
  }

  event(event) {
    switch (event.type) {
      case 'layer.started':
        setText($('.role', this.main.element), `waiting for layer ${event.layer}…`);
        this.run.event(event);
        break;
      case 'aggregator.started':
        this.main.aggregating(event);
        break;
      case 'aggregator.settled':
        this.main.settle(event);
        break;
      case 'run.finished':
        this.finished = event;
        break;
      default:
        this.run.event(event);
    }
  }

  /** The total: the mixture's from `run.finished`, else the usage chunk of the one call. */
  showUsage() {
    const usage = this.finished?.usage ?? this.main.usage;
    const parts = [];
    if (this.finished?.duration_ms != null) parts.push(`run ${ms(this.finished.duration_ms)}`);
    if (this.finished && this.main.firstToken != null) parts.push(`answer began after ${ms(this.main.firstToken)}`);
    if (usage?.total_tokens != null) {
      parts.push(`${count(usage.total_tokens)} tokens in all (${count(usage.prompt_tokens ?? 0)} prompt + `
        + `${count(usage.completion_tokens ?? 0)} completion)`);
    }
    const line = $('.usage', this.element);
    setText(line, parts.join(' · '));
    line.hidden = parts.length === 0;
  }
}
