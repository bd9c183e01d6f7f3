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
  const offer = document.getElementById("app-typed-offer");
  const stored = sessionStorage.getItem(draftKey(location.pathname));
  if (!offer || !stored) return;
  let draft;
  try {
    draft = JSON.parse(stored);
  } catch {
    sessionStorage.removeItem(draftKey(location.pathname));
    return;
  }
  if (!formsToKeep().length) return; // not the page it was typed on any more (kept for later)
  offer.hidden = false;
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
    offer.hidden = true;
  });
}

function noteOnSignIn() {
  const note = document.querySelector("[data-typed-kept-note]");
  if (!note) return;
  const next = new URLSearchParams(location.search).get("next");
  if (next && sessionStorage.getItem(draftKey(new URL(next, location.origin).pathname))) note.hidden = false;
}

function watchTheClock() {
  const dialog = document.getElementById("app-timeout");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const warning = Number(dialog.dataset.warningSeconds) * 1000;
  let deadline = Date.now() + Number(dialog.dataset.secondsLeft) * 1000;
  let returnFocus = null;
  let ended = false;
  const countdown = dialog.querySelector("[data-countdown]");
  const stay = dialog.querySelector("[data-stay]");

  const close = () => {
    if (dialog.open) dialog.close();
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    returnFocus = null;
  };
  const open = () => {
    returnFocus = document.activeElement;
    dialog.showModal();
    stay.focus();
  };
  const timeOut = async () => {
    if (ended) return;
    ended = true;
    keepTyped();
    const signIn = new URL(dialog.dataset.signInUrl, location.origin);
    signIn.searchParams.set("timed_out", "1");
    signIn.searchParams.set("next", location.pathname + location.search);
    try {
      await fetch(dialog.dataset.signOutUrl, {
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
      const response = await fetch(dialog.dataset.renewUrl, {
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
  const words = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds > 60) return `${Math.ceil(seconds / 60)} minutes`;
    return seconds === 1 ? "1 second" : `${seconds} seconds`;
  };

  stay.addEventListener("click", renew);
  dialog.querySelector("[data-sign-out]").addEventListener("click", () => {
    document.querySelector(".nhsuk-header__account-form")?.requestSubmit();
  });
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault(); // Escape: the same as "Stay signed in"
    renew();
  });
  setInterval(() => {
    const left = deadline - Date.now();
    if (left <= 0) timeOut();
    else if (left <= warning) {
      if (!dialog.open) open();
      countdown.textContent = words(left);
    }
  }, 1000);
}

watchTheClock();
offerTypedBack();
noteOnSignIn();
