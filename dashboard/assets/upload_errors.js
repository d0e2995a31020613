/* A callback request the server refuses before any callback runs -- a file above the upload
   limit (HTTP 413) or a request it cannot read (400) -- would otherwise fail silently and
   leave the previous "loaded" notice on screen. Show a notice instead (rendered by the
   server in the chosen language, like every notice). */
(function () {
  "use strict";
  if (!window.fetch || window.__analyzerUploadErrors) {
    return;
  }
  window.__analyzerUploadErrors = true;
  var original = window.fetch;
  function notice(status) {
    var holder = document.getElementById("upload-limit");
    var limit = holder ? holder.getAttribute("data-mb") : "?";
    var key = status === 413 ? "notice.upload_too_large" : "notice.request_refused";
    var data = {key: key, level: "error", params: {limit: limit, status: status},
                at: Date.now() / 1000};
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("app-notice-store", {data: data});
    }
  }
  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : (input && input.url) || "";
    return original.apply(this, arguments).then(function (response) {
      if (url.indexOf("_dash-update-component") !== -1 &&
          (response.status === 413 || response.status === 400)) {
        notice(response.status);
      }
      return response;
    });
  };
})();
