/* Drag an appointment onto a free slot to move it: the same API and checks as the "Move" form. */
(function () {
  "use strict";
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  document.addEventListener("dragstart", function (event) {
    var block = event.target.closest && event.target.closest(".cal-appt[draggable=true]");
    if (!block) return;
    event.dataTransfer.setData("text/plain", block.dataset.appointment + ":" + block.dataset.version);
    event.dataTransfer.effectAllowed = "move";
    document.body.classList.add("cal-dragging");
  });
  document.addEventListener("dragend", function () { document.body.classList.remove("cal-dragging"); });
  document.addEventListener("dragover", function (event) {
    if (event.target.closest && event.target.closest(".cal-slot")) event.preventDefault();
  });
  document.addEventListener("drop", function (event) {
    var slot = event.target.closest && event.target.closest(".cal-slot");
    if (!slot) return;
    event.preventDefault();
    var parts = (event.dataTransfer.getData("text/plain") || "").split(":");
    if (!parts[0]) return;
    var body = { starts_at: slot.dataset.startsAt, specialist_id: Number(slot.dataset.specialist),
                 expected_version: Number(parts[1]) };
    if (slot.dataset.branch) body.branch_id = Number(slot.dataset.branch);
    fetch("/api/v1/appointments/" + parts[0] + "/reschedule", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.ok) { window.location.reload(); return; }
      return response.json().then(function (data) {
        var messages = [data.detail];
        Object.keys(data.errors || {}).forEach(function (key) { messages = messages.concat(data.errors[key]); });
        var box = document.getElementById("cal-error");
        box.textContent = messages.join(" ");
        box.hidden = false;
      });
    });
  });
})();
