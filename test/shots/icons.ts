/**
 * TDesign draws icons with an icon font that exists only at a remote URL (tdesign.gtimg.com), which a screenshot
 * taken offline can't load. Instead each icon element (`<label class="t-icon-<name> t-icon-base">`) is marked
 * with data-shot-icon and drawn as an SVG mask in the icon's colour; icons not listed here show as a small ring.
 */

const svg = (body: string) =>
  `url("data:image/svg+xml,${encodeURIComponent(
    `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'>${body}</svg>`,
  )}")`;

const line = (d: string, width = 2) =>
  `<path d='${d}' fill='none' stroke='black' stroke-width='${width}' stroke-linecap='round' stroke-linejoin='round'/>`;
const dot = (cx: number, cy: number, r = 1.3) => `<circle cx='${cx}' cy='${cy}' r='${r}' fill='black'/>`;
const ring = `<circle cx='12' cy='12' r='9' fill='none' stroke='black' stroke-width='1.8'/>`;

/** A filled disc with the mark cut out of it. */
const disc = (mark: string) =>
  `<defs><mask id='m'><rect width='24' height='24' fill='white'/>${mark}</mask></defs>` +
  `<circle cx='12' cy='12' r='10' fill='black' mask='url(#m)'/>`;

const CHECK = line('M7.5 12.5l3 3L16.5 9');
const CROSS = line('M9 9l6 6M15 9l-6 6');
const BANG = line('M12 7v6.5') + dot(12, 16.8);
const INFO = dot(12, 7.3) + line('M12 11v6.5');

const ICONS: Record<string, string> = {
  check: line('M5 12.5l4.5 4.5L19 7.5'),
  close: line('M6 6l12 12M18 6L6 18'),
  add: line('M12 5v14M5 12h14'),
  remove: line('M5 12h14'),
  minus: line('M5 12h14'),
  'chevron-right': line('M9 5l7 7-7 7'),
  'chevron-left': line('M15 5l-7 7 7 7'),
  'chevron-down': line('M5 9l7 7 7-7'),
  'chevron-up': line('M5 15l7-7 7 7'),
  'check-circle-filled': disc(CHECK),
  'close-circle-filled': disc(CROSS),
  'error-circle-filled': disc(BANG),
  'info-circle-filled': disc(INFO),
  'check-circle': ring + CHECK,
  'close-circle': ring + CROSS,
  'error-circle': ring + BANG,
  'info-circle': ring + INFO,
  circle: ring,
  search: `<circle cx='10.5' cy='10.5' r='6.5' fill='none' stroke='black' stroke-width='2'/>${line('M15.5 15.5L20 20')}`,
  browse: `${line('M2.5 12s3.5-6.5 9.5-6.5 9.5 6.5 9.5 6.5-3.5 6.5-9.5 6.5S2.5 12 2.5 12z', 1.8)}${dot(12, 12, 2.8)}`,
  'browse-off': `${line('M2.5 12s3.5-6.5 9.5-6.5 9.5 6.5 9.5 6.5-3.5 6.5-9.5 6.5S2.5 12 2.5 12z', 1.8)}${line('M4 4l16 16', 1.8)}`,
  loading: line('M12 3a9 9 0 1 1-9 9'),
};

const FALLBACK = `<circle cx='12' cy='12' r='5' fill='none' stroke='black' stroke-width='2'/>`;

/** The icon an element draws, or null: TDesign's `t-icon-<name>` next to `t-icon-base` (with the simulate's prefix). */
export function iconName(el: Element): string | null {
  const classes = Array.from(el.classList);
  if (!classes.some((c) => c.endsWith('t-icon-base'))) return null;
  for (const c of classes) {
    const match = /^t-icon-([a-z0-9-]+)$/.exec(c.includes('--') ? c.slice(c.lastIndexOf('--') + 2) : c);
    if (match && match[1] !== 'base') return match[1];
  }
  return null;
}

/** Names of the icons drawn here (any other shows as a small ring). */
export const DRAWN_ICONS = Object.keys(ICONS);

export const ICON_CSS = `
[data-shot-icon] { --shot-icon: ${svg(FALLBACK)}; }
[data-shot-icon]::before {
  content: '' !important; display: block; width: 1em; height: 1em; background-color: currentColor;
  -webkit-mask: var(--shot-icon) center / contain no-repeat; mask: var(--shot-icon) center / contain no-repeat;
}
${Object.entries(ICONS)
  .map(([name, body]) => `[data-shot-icon='${name}'] { --shot-icon: ${svg(body)}; }`)
  .join('\n')}
`;
