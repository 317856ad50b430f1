// A figure on a dashboard page (wwlib/present/chart.py): the figure's JSON, drawn by the
// cartesian plotly.js the package ships. The page asks its kernel for plotly.js once, with the
// first chart it draws, once the browser is idle; every later chart of the page waits for the
// same copy.
const LOADING = "__wwPlotly";

function plotly(model) {
  if (globalThis.Plotly && globalThis.Plotly.react) {
    return Promise.resolve(globalThis.Plotly);
  }
  if (!globalThis[LOADING]) {
    globalThis[LOADING] = new Promise((resolve, reject) => {
      const heard = (message) => {
        if (!message || typeof message.plotly !== "string") return;
        model.off("msg:custom", heard);
        const url = URL.createObjectURL(new Blob([message.plotly], { type: "text/javascript" }));
        const script = document.createElement("script");
        script.src = url;
        script.onload = () => {
          URL.revokeObjectURL(url);
          resolve(globalThis.Plotly);
        };
        script.onerror = () => {
          delete globalThis[LOADING];
          reject(new Error("plotly.js did not load"));
        };
        document.head.appendChild(script);
      };
      model.on("msg:custom", heard);
      model.send({ want: "plotly" });
    });
  }
  return globalThis[LOADING];
}

// Resolves once the browser has nothing more urgent to do (at most `wait` ms later).
function idle(wait = 3000) {
  return new Promise((resolve) =>
    globalThis.requestIdleCallback
      ? globalThis.requestIdleCallback(() => resolve(), { timeout: wait })
      : setTimeout(resolve, 0),
  );
}

async function render({ model, el }) {
  const chart = document.createElement("div");
  chart.className = "ww-chart";
  el.appendChild(chart);
  await idle(); // the page's panels first: a person can start typing while the chart loads
  const Plotly = await plotly(model);
  const draw = () => {
    const figure = JSON.parse(model.get("figure"));
    return Plotly.react(chart, figure.data || [], figure.layout || {}, model.get("config"));
  };
  await draw();
  model.on("change:figure", draw);
  return () => {
    model.off("change:figure", draw);
    Plotly.purge(chart);
  };
}

export default { render };
