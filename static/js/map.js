/* heritage: the public maps. Data comes in data- attributes and from the map-data endpoint; no inline script. */
(function () {
  "use strict";

  function baseLayer(map, element) {
    var url = element.dataset.tileUrl;
    if (url) {
      L.tileLayer(url, { maxZoom: 19, attribution: element.dataset.tileAttribution || "" }).addTo(map);
    }
  }

  function link(url, text) {
    var a = document.createElement("a");
    a.href = url;
    a.textContent = text; // textContent: names are data, never markup
    return a;
  }

  function recordMap(element) {
    var lat = parseFloat(element.dataset.lat), lon = parseFloat(element.dataset.lon);
    if (isNaN(lat) || isNaN(lon)) { return; }
    // A sensitive location is shown as the grid square it lies in, never as a point to zoom in on.
    var half = parseFloat(element.dataset.approximate);
    var map = L.map(element).setView([lat, lon], isNaN(half) ? 13 : 10);
    baseLayer(map, element);
    if (isNaN(half)) {
      L.circleMarker([lat, lon], { radius: 8 }).addTo(map).bindTooltip(element.dataset.name || "");
    } else {
      L.rectangle([[lat - half, lon - half], [lat + half, lon + half]]).addTo(map).bindTooltip(element.dataset.name || "");
    }
  }

  // A cluster marker is a touch target (WCAG 2.2, 2.5.8): at least 24 × 24 px and covered by no other. So it shows
  // its count in at most four characters ("1.2k"; the title has the full number), is at most 38 px across, and is
  // drawn inside its own grid cell (about 60 px, monuments.models.MAP_CELL_DEGREES): at its monuments' mean point,
  // moved in just enough to keep the whole marker inside the cell, so markers of neighbouring cells never overlap.
  function shortCount(count) {
    var lang = document.documentElement.lang || undefined;
    if (count < 1000) { return count.toLocaleString(lang); }
    var scaled = count < 1e6 ? count / 1e3 : count / 1e6;
    var digits = scaled < 10 ? 1 : 0;
    return (Math.floor(scaled * Math.pow(10, digits)) / Math.pow(10, digits)).toLocaleString(lang) + (count < 1e6 ? "k" : "M");
  }

  function clusterIcon(text) {
    var size = text.length < 3 ? 28 : text.length < 4 ? 32 : 38;
    var span = document.createElement("span");
    span.textContent = text;
    return L.divIcon({ html: span, className: "cluster", iconSize: [size, size] });
  }

  function insideCell(map, latlng, cell, cellSize, iconSize) {
    var half = iconSize / 2;
    var point = map.project(latlng);
    var southWest = map.project([cell[1] * cellSize, cell[0] * cellSize]);
    var northEast = map.project([(cell[1] + 1) * cellSize, (cell[0] + 1) * cellSize]);
    var x = Math.min(Math.max(point.x, southWest.x + half), northEast.x - half);
    var y = Math.min(Math.max(point.y, northEast.y + half), southWest.y - half);
    return map.unproject([x, y]);
  }

  function clusterMap(element) {
    var map = L.map(element).setView([30, 20], 2);
    baseLayer(map, element);
    var layer = L.layerGroup().addTo(map);
    var pending = null;
    var source = element.dataset.source;

    function load() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(4); });
      var url = new URL(source, window.location.href);
      url.searchParams.set("bbox", bbox.join(","));
      url.searchParams.set("zoom", String(map.getZoom()));
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { features: [] }; })
        .then(function (data) {
          layer.clearLayers();
          data.features.forEach(function (feature) {
            var c = feature.geometry.coordinates, p = feature.properties, latlng = [c[1], c[0]];
            if (p.count === 1) {
              L.circleMarker(latlng, { radius: 7 }).bindPopup(link(p.url, p.name)).addTo(layer);
            } else {
              var icon = clusterIcon(shortCount(p.count));
              var title = p.count.toLocaleString(document.documentElement.lang || undefined) + " " + element.dataset.labelMonuments;
              L.marker(insideCell(map, latlng, p.cell, data.meta.cell_size, icon.options.iconSize[0]), { icon: icon, title: title })
                .on("click", function () { map.setView(latlng, Math.min(map.getZoom() + 2, 18)); })
                .addTo(layer);
            }
          });
        })
        .catch(function () { /* aborted by a newer request */ });
    }

    map.on("moveend", load);
    load();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var record = document.getElementById("record-map");
    if (record) { recordMap(record); }
    var clusters = document.getElementById("monument-map");
    if (clusters) { clusterMap(clusters); }
  });
})();
