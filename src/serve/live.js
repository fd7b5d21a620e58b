// qsite serve's live reload, injected into every HTML page it serves.
// One EventSource per tab tells the server which page the tab shows and the
// fingerprint of what it was served; the server answers `reload` when that
// page changed, `css` when only stylesheets did (swapped in place), and
// `overlay`/`clear` as site errors come and go. EventSource reconnects by
// itself after a server restart, and the server then compares fingerprints
// again, so a tab is never left showing an old page.
(function () {
  "use strict";
  var script = document.currentScript;
  var query = "path=" + encodeURIComponent(location.pathname) +
    "&fingerprint=" + encodeURIComponent(script.dataset.fingerprint);
  var source = new EventSource("/__qsite/events?" + query);

  // The overlay lives in a shadow root so the site's CSS cannot restyle
  // it; its close button removes it until the next change.
  function removeOverlay() {
    var overlay = document.getElementById("qsite-overlay");
    if (overlay) overlay.remove();
  }
  function wireClose(host) {
    if (!host || !host.shadowRoot) return;
    var button = host.shadowRoot.querySelector("[data-qsite-close]");
    if (button) button.addEventListener("click", removeOverlay);
  }
  function showOverlay(content) {
    removeOverlay();
    var host = document.createElement("div");
    host.id = "qsite-overlay";
    host.attachShadow({ mode: "open" }).innerHTML = content;
    document.body.appendChild(host);
    wireClose(host);
  }
  wireClose(document.getElementById("qsite-overlay"));

  source.addEventListener("reload", function () {
    source.close();
    location.reload();
  });
  source.addEventListener("css", function () {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var next = new URL(links[i].href, location.href);
      next.searchParams.set("qsite-reload", String(Date.now()));
      links[i].href = next.href;
    }
  });
  source.addEventListener("overlay", function (event) {
    showOverlay(JSON.parse(event.data));
  });
  source.addEventListener("clear", removeOverlay);
})();
