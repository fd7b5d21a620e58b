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

  function removeOverlay() {
    var overlay = document.getElementById("qsite-overlay");
    if (overlay) overlay.remove();
  }

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
    removeOverlay();
    document.body.insertAdjacentHTML("beforeend", JSON.parse(event.data));
  });
  source.addEventListener("clear", removeOverlay);
})();
