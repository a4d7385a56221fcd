// "Ask about the lessons": the questions box of every course page, and the "show me"
// links its answers carry.
//
// The server (GET /api/search) answers from the lessons' own questions: one or two
// sentences, the paragraph they rest on with the answering sentence marked, a link to
// that sentence (its id on the lesson page; the page's CSS highlights the :target), and
// for some answers a "show me" link that opens the lesson's widget in a given state
// (?show=KIND&with=JSON, applied below before the widgets mount). When nothing fits
// well, or two entries fit about equally, the server says the course does not answer
// this directly, offers the closest questions ("did you mean", each a button that asks
// it, never an answer) and the box lists the closest passages, as passages.

import { labUrl, request as send } from "./api.js";
import { element } from "./dom.js";

/** The answer's words as nodes: `code` in backticks, *emphasis* in stars, all as text. */
function words(text) {
  const out = document.createDocumentFragment();
  for (const [i, part] of text.split("`").entries()) {
    if (i % 2) {
      out.append(element("code", "", part));
    } else {
      for (const [j, bit] of part.split(/\*+/).entries()) {
        out.append(j % 2 ? element("em", "", bit) : document.createTextNode(bit));
      }
    }
  }
  return out;
}

// --------------------------------------------------------------------------- show me
const KIND = /^[a-z][a-z-]{0,30}$/;

/** `?show=KIND&with=JSON`: set that widget's starting settings before it mounts. */
export function applyShow(doc = document, search = location.search) {
  const params = new URLSearchParams(search);
  const kind = params.get("show");
  if (!kind || !KIND.test(kind)) return null;
  const section = doc.querySelector(`section[data-widget="${kind}"]`);
  if (!section) return null;
  let wanted;
  try {
    wanted = JSON.parse(params.get("with") || "{}");
  } catch (err) {
    return null;
  }
  if (!wanted || typeof wanted !== "object" || Array.isArray(wanted)) return null;
  let lesson = {};
  try {
    lesson = JSON.parse(section.dataset.settings || "{}");
  } catch (err) {
    lesson = {};
  }
  section.dataset.lessonSettings = section.dataset.settings || "{}";
  section.dataset.settings = JSON.stringify({ ...lesson, ...wanted });
  section.classList.add("shown-for-question");
  const note = element("p", "show-note");
  note.setAttribute("role", "status");
  const set = Object.entries(wanted).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(", ");
  note.append(`Set up for your question${set ? ` (${set})` : ""}. `);
  const back = element("a", "", "Back to the lesson's numbers");
  back.href = `${location.pathname}#${section.id}`;
  note.append(back);
  const title = section.querySelector(".widget-title");
  (title || section.firstChild)?.after?.(note);
  // "Reset to the lesson's numbers" means the lesson's, not the question's: reload without it
  section.querySelector("[data-reset]")?.addEventListener("click", () => location.assign(back.href));
  return section;
}

// --------------------------------------------------------------------------- the box
function passageList(results) {
  const list = element("ol", "hits");
  for (const hit of results) {
    const item = element("li", "hit");
    const link = element("a", "hit-link");
    // title_html and heading_html are escaped by the server, with <mark> around matches
    link.innerHTML = `Lesson ${hit.lesson}: ${hit.title_html}` +
      (hit.heading ? ` › ${hit.heading_html}` : "");
    link.href = labUrl(hit.url);
    const text = element("p", "hit-text");
    text.innerHTML = hit.html; // escaped by the server, with <mark> around the matches
    item.append(link, text);
    if (hit.widget) {
      const widget = element("a", "hit-widget", "Go to its live widget");
      widget.href = labUrl(hit.widget);
      item.append(widget);
    }
    list.append(item);
  }
  return list;
}

function answerView(data) {
  const a = data.answer;
  const box = element("section", "answer");
  box.setAttribute("aria-label", "The course's answer");
  const text = element("p", "answer-text");
  text.append(words(a.text));
  box.append(text);
  if (a.asked) {
    const asked = element("p", "answer-asked");
    asked.append("Answering “", words(a.asked), `” · lesson ${a.lesson}, ${a.title}`);
    box.append(asked);
  }
  if (a.passage_html) {
    const quote = element("blockquote", "answer-passage");
    const p = element("p");
    p.innerHTML = a.passage_html; // escaped by the server; the answering sentence in <mark>
    quote.append(p);
    box.append(quote);
  }
  const links = element("p", "answer-links");
  if (a.url) {
    const read = element("a", "answer-link", `Read it in lesson ${a.lesson}` +
      (a.heading ? ` › ${a.heading}` : ""));
    read.href = labUrl(a.url);
    links.append(read);
  }
  if (a.show) {
    const show = element("a", "show-me", `Show me in the ${a.show.widget} widget`);
    show.href = labUrl(a.show.url);
    links.append(show);
  }
  box.append(links);
  return box;
}

/** "Did you mean": the questions offered, each a button that asks it in the box. */
function offerList(offers, askIt) {
  const list = element("ul", "offers");
  for (const offer of offers) {
    const item = element("li", "offer");
    const button = element("button", "offer-q", offer.asked);
    button.type = "button";
    button.addEventListener("click", () => askIt(offer.asked));
    const where = element("a", "offer-where", `lesson ${offer.lesson}, ${offer.title}`);
    where.href = labUrl(offer.url);
    item.append(button, " ", where);
    list.append(item);
  }
  return list;
}

export function initAsk(doc = document) {
  const form = doc.getElementById("ask");
  const box = doc.getElementById("ask-q");
  const out = doc.getElementById("ask-results");
  if (!form || !box || !out) return;
  const askIt = (question) => {
    box.value = question;
    form.requestSubmit();
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const query = box.value.trim();
    out.replaceChildren();
    if (!query) {
      out.append(element("p", "", "Type a question first, for example: what does the bias do?"));
      return;
    }
    out.append(element("p", "searching", "Looking through the lessons…"));
    try {
      const data = await send(`/api/search?q=${encodeURIComponent(query)}`);
      out.replaceChildren();
      if (data.answer) {
        out.append(answerView(data));
        if (data.results.length) {
          const more = element("details", "more-passages");
          more.append(element("summary", "", "More passages on this"), passageList(data.results));
          out.append(more);
        }
        return;
      }
      const unsure = element("section", "not-sure");
      unsure.setAttribute("aria-label", "Not answered");
      unsure.append(element("p", "not-answered", data.message ||
        "The course does not answer this directly."));
      const offers = data.offers || [];
      if (offers.length) unsure.append(offerList(offers, askIt));
      out.append(unsure);
      if (data.results.length) {
        if (offers.length) out.append(element("p", "passages-label", "The closest passages:"));
        out.append(passageList(data.results));
      }
    } catch (err) {
      out.replaceChildren(element("p", "error", err.message));
    }
  });
}

applyShow();
