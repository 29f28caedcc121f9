// A Dash request answered 503 means the database is away for a moment (a restart): the server
// says so in the answer's message; show it as an alert, since the renderer would only log it.
// A Dash request answered 401 means the session has ended (expired, logged out in another tab,
// invalidated by a password change). Dash's renderer would swallow it: the clicked button looks
// done, nothing is saved and no message shows. Send the user to log in instead, with a note and
// a way back to the page they were on. Loaded before the renderer starts, so it sees every call.
(function () {
    var originalFetch = window.fetch;
    if (!originalFetch) {
        return;
    }
    var leaving = false;
    function showUnavailable(response) {
        response.clone().json().then(function (body) {
            var alert = document.getElementById("mixmap-unavailable");
            if (!alert) {
                alert = document.createElement("div");
                alert.id = "mixmap-unavailable";
                alert.setAttribute("role", "alert");
                alert.className = "alert alert-warning shadow mixmap-unavailable";
                document.body.appendChild(alert);
            }
            alert.textContent = (body && body.message) || "Mixmap is busy; try again in a moment.";
            clearTimeout(alert.hideTimer);
            alert.hideTimer = setTimeout(function () { alert.remove(); }, 8000);
        }).catch(function () {});
    }
    window.fetch = function (input) {
        var url = typeof input === "string" ? input : (input && input.url) || "";
        return originalFetch.apply(this, arguments).then(function (response) {
            if (url.indexOf("/_dash-") === -1) {
                return response;
            }
            if (response.status === 503) {
                showUnavailable(response);
            }
            if (response.status !== 401) {
                return response;
            }
            if (!leaving) {
                leaving = true;
                var here = window.location.pathname + window.location.search;
                window.location.assign(
                    "/login?next=" + encodeURIComponent(here) + "&expired=1"
                );
            }
            // The page is leaving: never settle, so the renderer shows no half-handled error.
            return new Promise(function () {});
        });
    };
})();
