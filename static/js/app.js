// Starts the NHS.UK frontend components (header menu, error summary focus, radios...).
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();

// After Back, the browser fetches an edit page again (drawn with the revision saved now) but puts
// back what the person had typed: send that text with the revision it was typed against, kept in
// this page's history entry, so the save is refused if a colleague saved meanwhile
// (DrawnRevisionInput in common/forms.py).
const restored = (form) =>
  Array.from(form.elements).some((field) => {
    if (field.type === "hidden") return false;
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") return Array.from(field.options).some((o) => o.selected !== o.defaultSelected);
    return "defaultValue" in field && field.value !== field.defaultValue;
  });
// The browser puts typed values back only after the page has loaded, hence "pageshow".
window.addEventListener("pageshow", () => {
  const navigation = performance.getEntriesByType("navigation")[0];
  document.querySelectorAll("input[data-drawn-revision]").forEach((input) => {
    const key = `drawnRevision ${input.form.action}`;
    const state = history.state || {};
    if (navigation && navigation.type === "back_forward" && state[key] && restored(input.form)) {
      input.value = state[key];
    } else {
      history.replaceState({ ...state, [key]: input.value }, "");
    }
  });
});
