/* heritage: the public maps. Data comes in data- attributes and from the map-data endpoint; no inline script. */
(function () {
  "use strict";

  // The base map. The configured tile server when there is one; otherwise country borders and coastlines from
  // Natural Earth (static/vendor/world-atlas/), one file served by us, drawn in a pane under the markers.
  function baseLayer(map, element) {
    var url = element.dataset.tileUrl;
    if (url) {
      L.tileLayer(url, { maxZoom: 19, attribution: element.dataset.tileAttribution || "" }).addTo(map);
    } else if (element.dataset.atlas) {
      fetch(element.dataset.atlas, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (topology) { if (topology) { drawAtlas(map, topology, element.dataset.atlasAttribution); } })
        .catch(function () { /* the markers are still drawn, on the plain background */ });
    }
  }

  // TopoJSON (https://github.com/topojson/topojson-specification): each arc is a list of quantized, delta-encoded
  // points; a ring lists arcs by index, ~i (that is -i - 1) for arc i reversed. Every arc of the countries is either
  // coastline (an arc of "land") or a border between two countries.
  function decodeArcs(topology) {
    var scale = topology.transform.scale, translate = topology.transform.translate;
    return topology.arcs.map(function (arc) {
      var x = 0, y = 0;
      return arc.map(function (point) {
        x += point[0];
        y += point[1];
        return [y * scale[1] + translate[1], x * scale[0] + translate[0]]; // [lat, lon], as Leaflet takes them
      });
    });
  }

  function ring(arcs, indexes, used) {
    var points = [];
    indexes.forEach(function (index) {
      var arc = index < 0 ? arcs[~index].slice().reverse() : arcs[index];
      used[index < 0 ? ~index : index] = true;
      points = points.concat(points.length ? arc.slice(1) : arc); // each arc starts where the one before ended
    });
    return points;
  }

  // Natural Earth's shapes that cross the antimeridian (Russia's east, Fiji) jump from 180° to -180° and back; drawn
  // as they are, that is a line across the whole world. Such a line is made continuous (longitudes past 180°), and
  // drawn twice, once on each side. A ring round the pole (Antarctica) jumps once and does not close once made
  // continuous: it is kept as it is, its jump being its edge along the bottom of the map.
  function acrossTheAntimeridian(points) {
    var shift = 0, previous = null, out = [], beyond = 0;
    points.forEach(function (point) {
      if (previous !== null && Math.abs(point[1] - previous) > 180) { shift += point[1] < previous ? 360 : -360; }
      previous = point[1];
      var lon = point[1] + shift;
      if (lon > 180) { beyond = -360; } else if (lon < -180) { beyond = 360; }
      out.push([point[0], lon]);
    });
    if (shift && Math.abs(out[0][1] - out[out.length - 1][1]) > 180) { return [points]; }
    if (!beyond) { return [out]; }
    return [out, out.map(function (point) { return [point[0], point[1] + beyond]; })];
  }

  function drawAtlas(map, topology, attribution) {
    var arcs = decodeArcs(topology), coast = {}, polygons = [], borders = [];
    topology.objects.land.geometries.forEach(function (geometry) {
      var list = geometry.type === "Polygon" ? [geometry.arcs] : geometry.arcs;
      list.forEach(function (rings) {
        var outline = rings.map(function (indexes) { return ring(arcs, indexes, coast); });
        // One polygon per copy: the outer ring and its holes, made continuous alike.
        var copies = outline.map(acrossTheAntimeridian);
        copies[0].forEach(function (_copy, n) {
          polygons.push(copies.map(function (ringCopies) { return ringCopies[Math.min(n, ringCopies.length - 1)]; }));
        });
      });
    });
    arcs.forEach(function (arc, index) {
      if (!coast[index]) { borders = borders.concat(acrossTheAntimeridian(arc)); }
    });
    var pane = map.createPane("atlas");
    pane.style.zIndex = 250; // above where tiles would be (200), under the markers' overlays (400)
    var renderer = L.svg({ pane: "atlas" });
    var style = { renderer: renderer, interactive: false };
    L.polygon(polygons, L.extend({ color: "#5d7f99", weight: 1, fillColor: "#f7f5ef", fillOpacity: 1 }, style)).addTo(map);
    L.polyline(borders, L.extend({ color: "#8c8c8c", weight: 1, dashArray: "3 2" }, style)).addTo(map);
    if (attribution && map.attributionControl) {
      var text = document.createElement("span");
      text.textContent = attribution; // the control takes markup; this is text
      map.attributionControl.addAttribution(text.innerHTML);
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
    // Without a tile server the base map is at 1:110 million: shown closer than the region it would be empty.
    var zoom = !element.dataset.tileUrl ? 6 : isNaN(half) ? 13 : 10;
    var map = L.map(element).setView([lat, lon], zoom);
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
              // 12 px radius: a 24 × 24 px target at least, as the clusters are (WCAG 2.2, 2.5.8).
              L.circleMarker(latlng, { radius: 12 }).bindPopup(link(p.url, p.name)).addTo(layer);
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
