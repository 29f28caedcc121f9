// Dash 4's renderer loads plotly.js from an unversioned URL (window._dashPlotlyJSURL), which a
// browser must revalidate on every visit. The page names the fingerprinted URL of the same file
// (meta "mixmap-plotlyjs", see dashapp/asset_delivery.py); serving it that way lets the browser
// keep the 4.8 MB bundle for a year. Assets load before the renderer sets the variable.
(function () {
    var meta = document.querySelector('meta[name="mixmap-plotlyjs"]');
    if (!meta || !meta.content) {
        return;
    }
    var url = meta.content;
    Object.defineProperty(window, "_dashPlotlyJSURL", {
        configurable: true,
        get: function () {
            return url;
        },
        set: function () {},
    });
})();
