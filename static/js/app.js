// Small behaviours shared by every page. No build step.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  const text = source ? (source.value ?? source.textContent) : "";
  navigator.clipboard.writeText(text).then(() => {
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});

// Keep shareable URLs short: GET requests drop empty fields (?q=x, not ?q=x&category=&tag=).
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get" || !event.detail.formData) return;
  const empty = [];
  for (const [key, value] of event.detail.formData.entries()) if (value === "") empty.push(key);
  empty.forEach((key) => event.detail.formData.delete(key));
});
