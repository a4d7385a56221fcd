// Recall on the lesson pages: a hint first if wanted, then the answer.
// Free text is never graded here or on the server: the learner reveals the model answer,
// compares it with their own and rates themselves (got it / partly / not yet), which
// decides when the question comes back. Numbers, formulas and multiple choice are graded
// exactly by the server; the options are lettered and the verdict names letter and text.

import { request as send } from "./api.js";
import { element } from "./dom.js";

function pageLesson() {
  const article = document.querySelector("article.lesson[data-lesson]");
  return article ? Number(article.dataset.lesson) : undefined;
}

function show(verdict, className, paragraphs) {
  verdict.hidden = false;
  verdict.className = `verdict ${className}`.trim();
  verdict.replaceChildren(...paragraphs.filter(Boolean));
}

function typed(form) {
  const box = form.querySelector("[name=answer]:not([type=radio])");
  return box ? box.value : "";
}

function explained(data) {
  return [
    data.explanation ? element("p", "explanation", data.explanation) : null,
    data.back ? element("p", "back", data.back) : null,
  ];
}

// A free-text question: reveal the model answer beside the learner's own, then a rating.
function initWords(form, ask) {
  const verdict = form.querySelector(".verdict");
  const rate = form.querySelector(".rate");
  const rated = rate.querySelector(".rated");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const mine = typed(form).trim();
    try {
      const data = await ask({ reveal: true });
      const compare = element("div", "compare");
      const own = element("div", "mine");
      own.append(element("p", "compare-h", "Your answer"),
        element("p", mine ? "" : "none", mine || "(answered in your head)"));
      const model = element("div", "model");
      model.append(element("p", "compare-h", "Model answer"), element("p", "", data.expected));
      compare.append(own, model);
      show(verdict, "revealed", [compare, ...explained(data)]);
      const box = form.querySelector("textarea");
      if (box) box.readOnly = true;
      form.querySelector("button[type=submit]").disabled = true;
      rate.hidden = false;
      rate.querySelector("button").focus();
    } catch (err) {
      show(verdict, "wrong", [element("p", "", err.message)]);
    }
  });
  for (const button of rate.querySelectorAll("button[data-rating]")) {
    button.addEventListener("click", async () => {
      try {
        const data = await ask({ rating: button.dataset.rating });
        for (const other of rate.querySelectorAll("button[data-rating]")) {
          other.setAttribute("aria-pressed", String(other === button));
          other.disabled = true;  // one rating per reveal: a second click would move it twice
        }
        form.dataset.rating = data.rating;
        rated.textContent = `Saved: ${data.rating}. ${data.back}`;
      } catch (err) {
        rated.textContent = err.message;
      }
    });
  }
}

// Multiple choice: one pick, then the verdict by letter and text.
function initChoice(form, ask) {
  const verdict = form.querySelector(".verdict");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const picked = form.querySelector("input[name=answer]:checked");
    if (!picked) {
      show(verdict, "note", [element("p", "", "Pick one of the options first.")]);
      return;
    }
    try {
      const data = await ask({ answer: picked.value, misses: 0 });
      form.dataset.result = data.right ? "right" : "wrong";
      // The answer is now on screen: one pick per visit, so a second pick cannot count.
      for (const control of form.querySelectorAll("input[name=answer], button[type=submit]")) {
        control.disabled = true;
      }
      show(verdict, data.right ? "right" : "wrong", [
        element("p", "verdict-head", data.right ? "✓ Right." : "✗ Not that one."),
        element("p", "expected", data.feedback), ...explained(data)]);
    } catch (err) {
      show(verdict, "note", [element("p", "", err.message)]);
    }
  });
}

// A number or a formula: graded exactly; a miss lets the learner try again, take the
// hint or reveal the answer.
function initExact(form, ask) {
  const verdict = form.querySelector(".verdict");
  let misses = 0;
  const done = (data) => {
    form.querySelector("button[type=submit]").disabled = true;
    form.querySelector("button.reveal").disabled = true;
    form.querySelector("input[name=answer]").readOnly = true;
    form.dataset.result = data.right ? "right" : "revealed";
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = typed(form);
    if (!answer.trim()) {
      show(verdict, "note", [element("p", "", "Type an answer first, or reveal the answer.")]);
      return;
    }
    try {
      const data = await ask({ answer, misses });
      if (data.right) {
        done(data);
        show(verdict, "right", [element("p", "verdict-head", "✓ Right."),
          element("p", "expected", `The answer: ${data.expected}`), ...explained(data)]);
      } else {
        misses += 1;
        form.dataset.result = "wrong";
        show(verdict, "wrong", [element("p", "verdict-head", "✗ Not right."),
          element("p", "", "Try again, take the hint, or reveal the answer.")]);
      }
    } catch (err) {  // unreadable (422): says what is expected, grades nothing
      show(verdict, "note", [element("p", "", err.message)]);
    }
  });
  form.querySelector("button.reveal").addEventListener("click", async () => {
    try {
      const data = await ask({ reveal: true });
      done(data);
      show(verdict, "revealed", [element("p", "expected", `The answer: ${data.expected}`),
        ...explained(data)]);
    } catch (err) {
      show(verdict, "note", [element("p", "", err.message)]);
    }
  });
}

export function initRecall(root = document) {
  const page = pageLesson();
  for (const form of root.querySelectorAll("form.question[data-question]")) {
    const ask = (body) => send("/api/recall", { question: form.dataset.question, page, ...body });
    const kind = form.dataset.kind;
    if (kind === "words") initWords(form, ask);
    else if (kind === "choice") initChoice(form, ask);
    else initExact(form, ask);
  }
  // "N to review" in the lesson's header links here: open the folded review.
  const review = root.getElementById ? root.getElementById("review") : null;
  const openReview = () => { if (review && location.hash === "#review") review.open = true; };
  openReview();
  window.addEventListener("hashchange", openReview);
}
