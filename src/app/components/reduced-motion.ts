/**
 * Whether the person asked their system for reduced motion (`prefers-reduced-motion: reduce`): flicker and timelapse
 * then wait to be started. False where the browser cannot tell.
 */
export function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}
