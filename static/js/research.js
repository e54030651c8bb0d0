// A research job's page follows the job over SSE (see promptcraft/research/api.py): progress
// events move the bar and add to the log; on done (finished or failed) the stored job replaces the live one.
document.addEventListener("htmx:sseBeforeMessage", (event) => {
  const sink = event.target;
  if (!sink.dataset || sink.dataset.researchEvents === undefined) return;
  event.preventDefault();
  const box = sink.closest("#research-job");
  let payload;
  try { payload = JSON.parse(event.detail.data); } catch (error) { return; }
  if (event.detail.type === "progress") {
    box.querySelector("#job-progress").value = payload.progress;
    box.querySelector("#job-progress").textContent = `${payload.progress}%`;
    box.querySelector("#job-percent").textContent = payload.progress;
    box.querySelector("#job-stage").textContent = payload.stage;
    box.querySelector("#job-status").textContent = payload.status;
    const item = document.createElement("li");
    item.textContent = payload.message;
    box.querySelector("#job-messages").append(item);
  } else if (event.detail.type === "done") {
    htmx.ajax("GET", box.dataset.jobUrl, { target: box, swap: "outerHTML" });
  }
});
