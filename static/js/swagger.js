// /api/docs/: Swagger UI (swagger-ui-dist from npm, served locally) over the schema named on the page.
(function () {
  const node = document.getElementById("swagger-ui");
  if (!node || typeof SwaggerUIBundle === "undefined") { return; }
  const csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1];
  SwaggerUIBundle({
    url: node.dataset.schemaUrl + "?format=json",
    domNode: node,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // Session-authenticated writes need the CSRF token, as every other page sends it.
    requestInterceptor: (request) => {
      if (csrf) { request.headers[node.dataset.csrfHeader || "X-CSRFToken"] = decodeURIComponent(csrf); }
      return request;
    },
  });
})();
