// Typeahead as an ARIA 1.2 combobox: the input keeps focus, the listbox shows suggestions,
// aria-activedescendant points at the highlighted option. Arrows move, Enter picks,
// Escape closes (and a second Escape clears the box), Tab leaves. onSelect gets the suggestion and
// where it was: the answer's query_id and its 1-based place in the list (the suggest_pick event).

import { el, clear } from "./dom.js";

const MIN_CHARS = 2;
const DEBOUNCE_MS = 150;
const KIND_LABELS = {
  specialist: "Specialist",
  specialty: "Specialty",
  treatment: "Treatment",
  condition: "Condition",
  hospital: "Hospital",
  place: "Place",
};

export function attachTypeahead({ input, listbox, status, fetchSuggestions, onSelect }) {
  let options = [];
  let queryId = null; // the answer the options came from
  let active = -1;
  let timer = null;
  let controller = null;

  function isOpen() {
    return !listbox.hidden;
  }

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const items = listbox.querySelectorAll('[role="option"]');
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function cancel() {
    clearTimeout(timer);
    if (controller) controller.abort();
  }

  function choose(index) {
    const suggestion = options[index];
    cancel();
    close();
    if (suggestion) onSelect(suggestion, { query_id: queryId, position: index + 1 });
  }

  function render(suggestions, answerId = null) {
    options = suggestions;
    queryId = answerId;
    clear(listbox);
    suggestions.forEach((suggestion, i) => {
      listbox.append(
        el(
          "li",
          {
            id: `${listbox.id}-${i}`,
            role: "option",
            "aria-selected": "false",
            class: "option",
            onmousedown: (event) => event.preventDefault(), // keep focus in the input
            onclick: () => choose(i),
          },
          el("span", { class: "option-label", text: suggestion.label }),
          el("span", { class: "option-kind", text: `, ${KIND_LABELS[suggestion.type] || suggestion.type}` }),
        ),
      );
    });
    status.textContent = suggestions.length
      ? `${suggestions.length} suggestion${suggestions.length === 1 ? "" : "s"}. Use the up and down arrows to choose.`
      : "";
    if (suggestions.length) {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
    } else {
      close();
    }
  }

  async function update() {
    const q = input.value.trim();
    if (controller) controller.abort();
    if (q.length < MIN_CHARS) {
      render([]);
      return;
    }
    controller = new AbortController();
    try {
      const body = await fetchSuggestions(q, controller.signal);
      if (input.value.trim() === q && document.activeElement === input) render(body.suggestions || [], body.query_id);
    } catch (error) {
      if (error.name !== "AbortError") render([]);
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, DEBOUNCE_MS);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      if (!isOpen()) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + options.length + (active < 0 && step < 0 ? 1 : 0)) % options.length);
    } else if (event.key === "Enter") {
      if (isOpen() && active >= 0) {
        event.preventDefault();
        choose(active);
      } else {
        cancel();
        close();
      }
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (isOpen()) close();
      else input.value = "";
    } else if (event.key === "Tab") {
      close();
    }
  });

  input.addEventListener("blur", close);

  return { close: () => { cancel(); close(); } };
}
