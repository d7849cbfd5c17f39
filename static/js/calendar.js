/* The branch calendar: move an appointment by dragging it (mouse, pen or touch: pointer events) onto another
   time or specialist, or resize it by its bottom edge. Every change goes through the same API and service checks
   as the "Move" form; a refusal is shown as it comes; a move can be undone for a few seconds. */
(function () {
  "use strict";
  var UNDO_SECONDS = 8;
  var THRESHOLD = 6; // pixels before a press becomes a drag (a tap still opens the visit)

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function grid() { return document.querySelector(".cal"); }
  function showError(text) {
    var box = document.getElementById("cal-error");
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }
  function errorText(data) {
    var messages = [data.detail];
    Object.keys(data.errors || {}).forEach(function (key) {
      (data.errors[key] || []).forEach(function (m) { if (messages.indexOf(m) < 0) messages.push(m); });
    });
    return messages.filter(Boolean).join(" ");
  }

  /* POST a reschedule; on "outside the working hours" with the override right, ask once and send the flag. */
  function reschedule(id, body) {
    return fetch("/api/v1/appointments/" + id + "/reschedule", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok) return data;
        if (data.can_confirm_outside_hours && !body.confirm_outside_hours) {
          var question = errorText(data) + "\n" + (grid().dataset.msgConfirm || "");
          if (window.confirm(question)) {
            return reschedule(id, Object.assign({}, body, { confirm_outside_hours: true }));
          }
        }
        throw new Error(errorText(data));
      });
    });
  }

  function toast(text, onUndo) {
    var box = document.getElementById("cal-toast");
    if (!box) { window.location.reload(); return; }
    document.getElementById("cal-toast-text").textContent = text;
    var button = document.getElementById("cal-undo");
    button.hidden = !onUndo;
    box.hidden = false;
    var timer = setTimeout(function () { window.location.reload(); }, UNDO_SECONDS * 1000);
    button.onclick = function () {
      clearTimeout(timer);
      button.disabled = true;
      onUndo();
    };
  }

  function slotAt(x, y) {
    var found = null;
    document.elementsFromPoint(x, y).some(function (el) {
      if (el.classList && el.classList.contains("cal-slot")) { found = el; return true; }
      return false;
    });
    return found;
  }

  var drag = null;

  document.addEventListener("pointerdown", function (event) {
    var block = event.target.closest && event.target.closest(".cal-appt[data-movable]");
    if (!block || event.button > 0) return;
    event.preventDefault(); // no text selection, no native link drag (which would cancel the pointer)
    drag = {
      block: block,
      resize: !!event.target.closest(".cal-resize"),
      startX: event.clientX, startY: event.clientY,
      top: block.offsetTop, height: block.offsetHeight,
      active: false, pointerId: event.pointerId
    };
  });

  document.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    var dx = event.clientX - drag.startX, dy = event.clientY - drag.startY;
    if (!drag.active) {
      if (Math.abs(dx) < THRESHOLD && Math.abs(dy) < THRESHOLD) return;
      drag.active = true;
      drag.block.classList.add("cal-moving");
      document.body.classList.add("cal-pointer-dragging");
      try { drag.block.setPointerCapture(event.pointerId); } catch (e) { /* not capturable: follow the document */ }
    }
    event.preventDefault();
    if (drag.resize) {
      drag.block.style.height = Math.max(18, drag.height + dy) + "px";
    } else {
      drag.block.style.transform = "translate(" + dx + "px," + dy + "px)";
    }
  });

  function finish(event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    var current = drag;
    drag = null;
    if (!current.active) return; // a tap: the link opens the visit
    var block = current.block;
    block.classList.remove("cal-moving");
    document.body.classList.remove("cal-pointer-dragging");
    block.dataset.justDragged = "1";
    var rect = block.getBoundingClientRect();
    // The slot under the block's top edge (a move) or under its bottom edge (a resize).
    block.style.visibility = "hidden";
    var probeY = current.resize ? rect.bottom - 2 : rect.top + 2;
    var slot = slotAt(current.resize ? rect.left + rect.width / 2 : event.clientX, probeY);
    block.style.visibility = "";
    block.style.transform = "";
    if (!slot) { block.style.height = current.height + "px"; return; }
    var before = {
      starts_at: block.dataset.startsAt, ends_at: block.dataset.endsAt,
      specialist_id: Number(block.dataset.specialist), branch_id: Number(block.dataset.branch)
    };
    var body;
    if (current.resize) {
      body = { starts_at: before.starts_at, ends_at: slot.dataset.endsAt };
    } else {
      body = { starts_at: slot.dataset.startsAt, specialist_id: Number(slot.dataset.specialist) };
      if (slot.dataset.branch) body.branch_id = Number(slot.dataset.branch);
    }
    body.expected_version = Number(block.dataset.version);
    showError("");
    reschedule(block.dataset.appointment, body).then(function (moved) {
      var g = grid();
      toast(g.dataset.msgMoved || "", function () {
        var back = Object.assign({}, before, { expected_version: moved.version });
        reschedule(moved.id, back).then(function () { window.location.reload(); }, function (error) {
          showError(error.message);
          setTimeout(function () { window.location.reload(); }, 3000);
        });
      });
    }, function (error) {
      block.style.height = current.height + "px";
      showError(error.message);
    });
  }
  document.addEventListener("pointerup", finish);
  document.addEventListener("pointercancel", function (event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    drag.block.style.transform = "";
    drag.block.style.height = drag.height + "px";
    drag.block.classList.remove("cal-moving");
    document.body.classList.remove("cal-pointer-dragging");
    drag = null;
  });
  // After a drag the browser still fires a click on the link: swallow that one.
  document.addEventListener("click", function (event) {
    var block = event.target.closest && event.target.closest(".cal-appt");
    if (block && block.dataset.justDragged) {
      event.preventDefault();
      delete block.dataset.justDragged;
    }
  }, true);
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest(".cal-appt[data-movable]")) event.preventDefault();
  });
  // Native HTML5 drag of the link would fight the pointer drag.
  document.addEventListener("dragstart", function (event) {
    if (event.target.closest && event.target.closest(".cal-appt[data-movable]")) event.preventDefault();
  });

  // The current-time line follows the clock.
  var line = document.querySelector(".cal-now");
  if (line) {
    var g = grid();
    var startedAt = Date.now(), topAt = parseFloat(line.style.top);
    var ppm = parseFloat(g.dataset.pixelsPerMinute || "0");
    if (ppm) {
      setInterval(function () {
        line.style.top = (topAt + ppm * (Date.now() - startedAt) / 60000) + "px";
      }, 60000);
    }
  }
})();
