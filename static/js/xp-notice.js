// The XP notice: a server response that earned XP carries an `xp-granted` HX-Trigger event
// (promptcraft/gamification/views.py); show a small toast and update the XP badge.
document.body.addEventListener("xp-granted", (event) => {
  const detail = event.detail || {};
  const toast = document.createElement("div");
  toast.className = "xp-toast";
  toast.setAttribute("role", "status");
  toast.textContent = `+${detail.amount} XP: ${(detail.reasons || []).join(", ")}`;
  document.body.append(toast);
  setTimeout(() => toast.classList.add("leaving"), 3500);
  setTimeout(() => toast.remove(), 4200);
  const badge = document.getElementById("xp-badge");
  const match = badge && badge.textContent.match(/^(Lv \d+ · )(\d+) XP$/);
  if (match) badge.textContent = `${match[1]}${Number(match[2]) + Number(detail.amount || 0)} XP`;
});
