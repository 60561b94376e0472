// A roster run's progress, refreshed without reloading the page: every second it asks the page's own
// JSON endpoint (authorised by the session cookie) and updates the bar and the figures beside it. When the
// run has finished, it says so and the page reloads once to show the proposal. Without JavaScript, a
// <noscript> refresh reloads the page every few seconds instead.
(function () {
  "use strict";
  var panel = document.getElementById("run-progress");
  if (!panel || !window.fetch) {
    return;
  }
  var url = panel.getAttribute("data-progress-url");
  var bar = document.getElementById("progress-bar");
  var texts = {
    status_text: [document.getElementById("progress-status"), document.getElementById("run-status-text")],
    elapsed_text: [document.getElementById("progress-elapsed"), bar],
    objective_text: [document.getElementById("progress-objective")],
    bound_text: [document.getElementById("progress-bound")],
    time_text: [document.getElementById("progress-time")],
  };

  function show(data) {
    bar.max = data.max;
    bar.value = data.value;
    Object.keys(texts).forEach(function (key) {
      texts[key].forEach(function (element) {
        if (element && element.textContent !== data[key]) {
          element.textContent = data[key];
        }
      });
    });
    panel.setAttribute("data-status", data.status);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok || response.headers.get("content-type").indexOf("json") < 0) {
          throw new Error("progress " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          // Let the finished state be seen and announced, then show the proposal.
          window.setTimeout(function () {
            window.location.reload();
          }, 1500);
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
})();
