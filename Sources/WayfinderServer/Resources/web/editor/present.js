/** Presentation mode: the map shown stage by stage, full screen. */

/** Starts presenting; returns a function that stops. */
export function startPresentation() {
  return () => {};
}
