// Every drawing of a part of a page carries a number no earlier drawing on this page carried, in data-loaded: whoever
// acts and then waits for the redraw (a test, a script) can tell the new table from the one it replaces, which a plain
// "loaded" flag cannot (the old table still says loaded until the new one is drawn).
let drawings = 0;

export function markDrawn(element) {
  drawings += 1;
  element.dataset.loaded = String(drawings);
}

/** Marks the page's timeline when a part the reader waits for is drawn (performance.mark("wangge:<name>")): the
 * browser benchmark (tools/bench/pages.py) times sign-in, navigation and a drill step by these marks. */
export function markTimeline(name) {
  performance.mark(`wangge:${name}`);
}
