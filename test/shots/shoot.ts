/**
 * Shared by every `*.shots.ts` file (npm run shots, step 1): open a page with only its own styles, and write it as it
 * is now to shots/html/<name>.html for Chromium to photograph. capture.js empties shots/html before jest runs, so
 * several shots files may write side by side.
 *
 * Each shots file must also carry the two `jest.mock` calls of pages.shots.ts (rpx at the shots' phone width):
 * jest hoists them per file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closePage, openPage } from '../pages/harness';
import { DRAWN_ICONS } from './icons';
import { clearInjectedStyles, snapshotHtml } from './snapshot';

const OUT = join(__dirname, '..', '..', 'shots', 'html');

/** Opens a page with only its own styles in the document. */
export function open(route: string, query: Record<string, string> = {}) {
  clearInjectedStyles();
  return { route, page: openPage(route, query) };
}

export type View = ReturnType<typeof open>;

/** Writes the page as it is now to shots/html/<name>.html; fails on an icon the shots cannot draw. */
export function save(name: string, { route, page }: View): void {
  const html = snapshotHtml(page, route, name);
  const undrawn = [...html.matchAll(/data-shot-icon="([a-z0-9-]+)"/g)]
    .map((m) => m[1]!)
    .filter((icon) => !DRAWN_ICONS.includes(icon));
  if (undrawn.length > 0)
    throw new Error(`${name}: add these icons to test/shots/icons.ts: ${undrawn.join(', ')}`);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, `${name}.html`), html);
}

/** Saves the page, then leaves it (its timers stop). */
export function shoot(name: string, view: View): void {
  save(name, view);
  closePage(view.page);
}
