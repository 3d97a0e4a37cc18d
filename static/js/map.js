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

  function clusterIcon(count) {
    var size = count < 10 ? 30 : count < 100 ? 38 : count < 1000 ? 46 : 54;
    var span = document.createElement("span");
    span.textContent = count.toLocaleString();
    return L.divIcon({ html: span, className: "cluster", iconSize: [size, size] });
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
              L.marker(latlng, { icon: clusterIcon(p.count), title: p.count + " " + element.dataset.labelMonuments })
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
