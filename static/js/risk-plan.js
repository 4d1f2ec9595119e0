/* Campus plan (#20): place risk points on the school's own plan image.
   Desktop: drag a marker to its place. Phone: choose a point, then tap the plan.
   Either way the place is sent as fractions of the image (0–1) through the page's form;
   the server refuses a place outside the image. No inline script (CSP). */
(function () {
  "use strict";
  var plan = document.getElementById("risk-plan");
  var form = document.getElementById("place-form");
  if (!plan || !form || plan.dataset.placeable !== "1") { return; }
  var image = plan.querySelector("img");
  var choice = document.getElementById("place-point-choice");

  function fractions(clientX, clientY) {
    var box = image.getBoundingClientRect();
    return { x: (clientX - box.left) / box.width, y: (clientY - box.top) / box.height };
  }

  function send(pointId, where) {
    form.querySelector("[name=point]").value = pointId;
    form.querySelector("[name=x]").value = where.x.toFixed(4);
    form.querySelector("[name=y]").value = where.y.toFixed(4);
    form.submit();
  }

  // Drag a marker (mouse or touch, via pointer events).
  var dragging = null;
  plan.querySelectorAll(".risk-marker").forEach(function (marker) {
    marker.addEventListener("pointerdown", function (event) {
      dragging = marker;
      marker.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    marker.addEventListener("pointermove", function (event) {
      if (dragging !== marker) { return; }
      var where = fractions(event.clientX, event.clientY);
      marker.style.left = (where.x * 100) + "%";
      marker.style.top = (where.y * 100) + "%";
    });
    marker.addEventListener("pointerup", function (event) {
      if (dragging !== marker) { return; }
      dragging = null;
      send(marker.dataset.point, fractions(event.clientX, event.clientY));
    });
  });

  // Tap (or click) the plan to place the chosen point.
  if (choice) {
    choice.addEventListener("change", function () {
      plan.classList.toggle("placing", choice.value !== "");
    });
    image.addEventListener("click", function (event) {
      if (!choice.value) { return; }
      send(choice.value, fractions(event.clientX, event.clientY));
    });
  }
})();
