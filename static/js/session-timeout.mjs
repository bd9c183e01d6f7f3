// The idle timeout, without losing what was typed (WCAG 2.2.1).
//
// Two minutes before a signed-in session ends, a dialog warns with a "Stay signed in" button
// (focus moves into it and back out; Escape also stays signed in). If the time runs out, what
// was typed on the page is kept in this tab's sessionStorage, keyed by the page's path (never a
// password), the session is ended and the sign-in page says why. After signing in, the same
// page offers the typed text back into the same fields, then forgets it.
// Without JavaScript nothing here runs and nothing else depends on it.

const DRAFT_PREFIX = "recovery-care typed on ";
const draftKey = (path) => DRAFT_PREFIX + path;

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function formsToKeep() {
  return Array.from(document.querySelectorAll("main form")).filter(
    (form) => form.method.toLowerCase() === "post" && !form.querySelector("input[type=password]"),
  );
}

// What the person changed in the page's forms, by form position and field name.
function typedFields() {
  const fields = [];
  let typed = false;
  formsToKeep().forEach((form, formIndex) => {
    for (const el of Array.from(form.elements)) {
      if (!el.name || el.disabled || ["password", "file", "submit", "button", "reset"].includes(el.type)) continue;
      if (el.type === "hidden") {
        // The revision the form was drawn with goes back with the text, so putting the text back
        // can never overwrite what a colleague saved meanwhile (the save is refused as stale).
        if (el.hasAttribute("data-drawn-revision")) fields.push({ form: formIndex, name: el.name, value: el.value, revision: true });
        continue;
      }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked !== el.defaultChecked) {
          fields.push({ form: formIndex, name: el.name, value: el.value, checked: el.checked });
          typed = true;
        }
      } else if (el.tagName === "SELECT") {
        const changed = Array.from(el.options).some((o) => o.selected !== o.defaultSelected);
        if (changed) {
          fields.push({ form: formIndex, name: el.name, value: el.value });
          typed = true;
        }
      } else if ("defaultValue" in el && el.value !== el.defaultValue) {
        fields.push({ form: formIndex, name: el.name, value: el.value });
        typed = true;
      }
    }
  });
  return typed ? fields : [];
}

function keepTyped() {
  const fields = typedFields();
  if (fields.length) {
    sessionStorage.setItem(draftKey(location.pathname), JSON.stringify({ savedAt: Date.now(), fields }));
  }
}

function putBack(draft) {
  const forms = formsToKeep();
  let first = null;
  for (const field of draft.fields) {
    const form = forms[field.form];
    if (!form) continue;
    const named = Array.from(form.elements).filter((el) => el.name === field.name);
    for (const el of named) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.value === field.value) el.checked = field.checked;
      } else {
        el.value = field.value;
      }
      if (!field.revision && !first && el.type !== "hidden") first = el;
    }
  }
  return first;
}

function offerTypedBack() {
  const template = document.getElementById("app-typed-offer");
  const stored = sessionStorage.getItem(draftKey(location.pathname));
  if (!template || !stored) return;
  let draft;
  try {
    draft = JSON.parse(stored);
  } catch {
    sessionStorage.removeItem(draftKey(location.pathname));
    return;
  }
  if (!formsToKeep().length) return; // not the page it was typed on any more (kept for later)
  const main = document.querySelector("main");
  main.prepend(template.content.cloneNode(true));
  const offer = main.querySelector(".app-typed-offer");
  offer.querySelector("[data-put-back]").addEventListener("click", () => {
    const first = putBack(draft);
    sessionStorage.removeItem(draftKey(location.pathname));
    offer.querySelector("[data-offer-text]").textContent =
      "What you typed is back in the form. Check it, then save.";
    offer.querySelector("[data-offer-actions]").remove();
    if (first) first.focus();
  });
  offer.querySelector("[data-discard]").addEventListener("click", () => {
    sessionStorage.removeItem(draftKey(location.pathname));
    offer.remove();
  });
}

function noteOnSignIn() {
  const note = document.querySelector("[data-typed-kept-note]");
  if (!note) return;
  const next = new URLSearchParams(location.search).get("next");
  if (next && sessionStorage.getItem(draftKey(new URL(next, location.origin).pathname))) note.hidden = false;
}

function watchTheClock() {
  const template = document.getElementById("app-timeout");
  if (!template || typeof HTMLDialogElement !== "function") return;
  const settings = template.dataset;
  const warning = Number(settings.warningSeconds) * 1000;
  let deadline = Date.now() + Number(settings.secondsLeft) * 1000;
  let dialog = null;
  let returnFocus = null;
  let ended = false;

  const close = () => {
    if (dialog && dialog.open) dialog.close();
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    returnFocus = null;
  };
  const timeOut = async () => {
    if (ended) return;
    ended = true;
    keepTyped();
    const signIn = new URL(settings.signInUrl, location.origin);
    signIn.searchParams.set("timed_out", "1");
    signIn.searchParams.set("next", location.pathname + location.search);
    try {
      await fetch(settings.signOutUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
        redirect: "manual",
      });
    } finally {
      location.assign(signIn.toString());
    }
  };
  const renew = async () => {
    try {
      const response = await fetch(settings.renewUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error("signed out");
      const body = await response.json();
      deadline = Date.now() + body.seconds_left * 1000;
      close();
    } catch {
      timeOut();
    }
  };
  // The dialog joins the page only when it is needed, so nothing of it is there before.
  const build = () => {
    document.querySelector("main").append(template.content.cloneNode(true));
    dialog = document.querySelector("main dialog.app-timeout");
    dialog.querySelector("[data-stay]").addEventListener("click", renew);
    dialog.querySelector("[data-sign-out]").addEventListener("click", () => {
      document.querySelector(".nhsuk-header__account-form")?.requestSubmit();
    });
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault(); // Escape: the same as "Stay signed in"
      renew();
    });
  };
  const open = () => {
    if (!dialog) build();
    returnFocus = document.activeElement;
    dialog.showModal();
    dialog.querySelector("[data-stay]").focus();
  };
  const words = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds > 60) return `${Math.ceil(seconds / 60)} minutes`;
    return seconds === 1 ? "1 second" : `${seconds} seconds`;
  };

  setInterval(() => {
    const left = deadline - Date.now();
    if (left <= 0) timeOut();
    else if (left <= warning) {
      if (!dialog || !dialog.open) open();
      dialog.querySelector("[data-countdown]").textContent = words(left);
    }
  }, 1000);
}

watchTheClock();
offerTypedBack();
noteOnSignIn();
