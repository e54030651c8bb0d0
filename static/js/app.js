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

// Chat replies stream in as JSON events (see promptcraft/sse.py): deltas are appended as text;
// on done or error the stored message replaces the live one (rendered Markdown, final state).
document.addEventListener("htmx:sseBeforeMessage", (event) => {
  const body = event.target;
  if (!body.dataset || !body.dataset.messageUrl) return;
  event.preventDefault();
  const message = event.detail;
  let payload;
  try { payload = JSON.parse(message.data); } catch (error) { return; }
  if (message.type === "delta") {
    if (payload.content) body.append(document.createTextNode(payload.content));
    if (payload.reasoning) {
      const box = body.parentElement.querySelector(".reasoning");
      box.hidden = false;
      box.querySelector(".reasoning-text").append(document.createTextNode(payload.reasoning));
    }
  } else if (message.type === "done" || message.type === "error") {
    htmx.ajax("GET", body.dataset.messageUrl, { target: body.closest("article"), swap: "outerHTML" });
  }
});

// The top bar stays in view (position: sticky, except on a phone) and wraps to two or three
// rows on narrower screens: whatever the browser scrolls to (a field that failed validation, a
// #fragment) is placed below it, not under it.
const topbar = document.querySelector(".topbar");
if (topbar) {
  new ResizeObserver(() => {
    const sticky = getComputedStyle(topbar).position === "sticky";
    document.documentElement.style.scrollPaddingTop = sticky ? `${topbar.offsetHeight + 8}px` : "";
  }).observe(topbar);
}
