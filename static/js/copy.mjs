// "Copy the link": copies the text of the element the button names, and says so. The button is
// hidden until this runs, so without JavaScript (or a clipboard) the link is simply selectable.
const status = document.querySelector("[data-app-copy-status]");
for (const button of document.querySelectorAll("[data-app-copy]")) {
  const source = document.getElementById(button.dataset.appCopy);
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      if (status) status.textContent = "Link copied. Paste it into a text message, letter or email.";
    } catch {
      if (status) status.textContent = "The link could not be copied: select it and copy it instead.";
    }
  });
}
