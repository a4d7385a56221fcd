// Mount the live widget of every `[data-widget]` section of a page (the lesson pages
// and the gallery): each kind is a module `widgets/<kind>.js` exporting
// `mount(section, settings)`, which returns an object with `reset()`; the section's
// "Reset to the lesson's numbers" button calls it.

const KIND = /^[a-z][a-z-]{0,30}$/;
let counter = 0;

function settingsOf(section) {
  try {
    const value = JSON.parse(section.dataset.settings || "{}");
    return value && typeof value === "object" && !Array.isArray(value) ? value : {};
  } catch (err) {
    return {};
  }
}

function complain(section, message) {
  const p = document.createElement("p");
  p.className = "widget-error";
  p.setAttribute("role", "alert");
  p.textContent = message;
  section.append(p);
}

/** Mount one section; resolves to the widget (or null if it could not be mounted). */
export async function mountOne(section) {
  const kind = section.dataset.widget || "";
  if (section.dataset.mounted) return null;
  section.dataset.mounted = "true";
  if (!section.id) section.id = `widget-${++counter}-${kind}`;
  if (!KIND.test(kind)) {
    complain(section, `There is no widget called ${JSON.stringify(kind.slice(0, 40))}.`);
    return null;
  }
  let module;
  try {
    module = await import(`./${kind}.js`);
  } catch (err) {
    complain(section, `The ${kind} widget could not be loaded: ${err.message}`);
    return null;
  }
  const widget = module.mount(section, settingsOf(section));
  const reset = section.querySelector("[data-reset]");
  if (reset) reset.addEventListener("click", () => widget.reset());
  return widget;
}

/** Mount every `[data-widget]` under `root`; resolves when all are mounted. */
export async function mountAll(root = document) {
  const sections = Array.from(root.querySelectorAll("[data-widget]"));
  return Promise.all(sections.map((section) => mountOne(section)));
}
