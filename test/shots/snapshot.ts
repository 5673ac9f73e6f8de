/**
 * A rendered page as a self-contained HTML file that Chromium photographs as a phone would show it: the page's
 * DOM from miniprogram-simulate (built-in components as <wx-view>, <wx-text>…), every <style> the simulate
 * injected for it (rpx already converted, see ./rpx), the few user-agent rules WeChat gives its built-in
 * components, app.wxss, a navigation bar from app.json / the page's json, and TDesign's icons drawn locally
 * (its icon font is only a remote URL).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MINIPROGRAM, phone, type DrawnCanvas, type PageInstance } from '../pages/harness';
import { ICON_CSS, iconName } from './icons';
import { rpxToPx, VIEWPORT_WIDTH } from './rpx';

/** Removes the styles of pages opened before, so a snapshot carries only its own page's components. */
export function clearInjectedStyles(): void {
  for (const style of Array.from(document.head.querySelectorAll('style'))) style.remove();
}

/** What j-component keeps for a node: the attributes of built-ins it has no properties for (value, placeholder…). */
interface WxNode {
  _vt?: { attrs?: Array<{ name: string; value: unknown }> };
}

function attrsOf(el: Element): Map<string, unknown> {
  const node = (el as unknown as { __wxElement?: WxNode }).__wxElement;
  return new Map((node?._vt?.attrs ?? []).map(({ name, value }) => [name, value]));
}

/** The component prefix miniprogram-simulate put on an element's classes (`t-input--t-input__control` → `t-input--`). */
function prefixOf(el: Element): string {
  const token = Array.from(el.classList).find((c) => c.includes('--'));
  return token ? token.slice(0, token.indexOf('--') + 2) : '';
}

const prefixed = (prefix: string, classes: unknown) =>
  String(classes ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((c) => prefix + c)
    .join(' ');

/** Shows what an <input>/<textarea> holds: its value, or its placeholder in the placeholder's class and style. */
function fillField(original: Element, copy: Element): void {
  const attrs = attrsOf(original);
  const value = attrs.get('value');
  const span = copy.ownerDocument.createElement('span');
  if (value !== undefined && value !== null && String(value) !== '') {
    span.className = 'shot-value';
    span.textContent = attrs.get('password') === true ? '•'.repeat(String(value).length) : String(value);
  } else {
    span.className = `shot-placeholder ${prefixed(prefixOf(original), attrs.get('placeholder-class'))}`;
    const style = attrs.get('placeholder-style');
    if (style) span.setAttribute('style', rpxToPx(String(style)));
    span.textContent = String(attrs.get('placeholder') ?? '');
  }
  copy.replaceChildren(span);
}

/**
 * What a page drew on a canvas, as an SVG of its filled rectangles (the test phone records them: see DrawnCanvas in
 * ../pages/harness); the browser would otherwise show an empty canvas. The page's canvases are the last ones the
 * phone lent, in the order of the page's <canvas> elements.
 */
function drawCanvas(copy: Element, drawn: DrawnCanvas | undefined): void {
  if (!drawn || drawn.rects.length === 0) return;
  const rects = drawn.rects
    .map((r) => `<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" fill="${r.fill}"/>`)
    .join('');
  copy.innerHTML =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${drawn.width} ${drawn.height}" ` +
    `width="100%" height="100%" shape-rendering="crispEdges" style="display:block">${rects}</svg>`;
}

/** The page's DOM with what the browser needs to show it like WeChat does. */
function pageMarkup(page: PageInstance): string {
  const root = page.dom as HTMLElement;
  const copy = root.cloneNode(true) as HTMLElement;
  const originals = Array.from(root.querySelectorAll('*'));
  const copies = Array.from(copy.querySelectorAll('*'));
  const canvasCount = originals.filter((el) => el.tagName.toLowerCase() === 'wx-canvas').length;
  const drawn = phone.canvases.filter((c) => c.rects.length > 0).slice(-canvasCount || phone.canvases.length);
  let canvasIndex = 0;
  originals.forEach((original, i) => {
    const el = copies[i];
    const tag = original.tagName.toLowerCase();
    if (tag === 'wx-canvas') drawCanvas(el, canvasCount ? drawn[canvasIndex++] : undefined);
    if (tag === 'wx-input' || tag === 'wx-textarea') fillField(original, el);
    const icon = iconName(el);
    if (icon) el.setAttribute('data-shot-icon', icon);
  });
  return copy.outerHTML;
}

/** Styles miniprogram-simulate injected, without remote resources (the icon font): nothing may hang offline. */
function injectedStyles(): string {
  return Array.from(document.head.querySelectorAll('style'))
    .map((style) => style.textContent ?? '')
    .join('\n')
    .replace(/@font-face\s*\{[^}]*\}/g, '')
    .replace(/url\(\s*['"]?https?:[^)]*\)/g, 'none');
}

/** app.wxss, with WeChat's `page` element as the body. */
function appStyles(): string {
  const wxss = readFileSync(join(MINIPROGRAM, 'app.wxss'), 'utf8');
  return rpxToPx(wxss.replace(/(^|[\s,}])page(?=[\s,{:.])/g, '$1body'));
}

/** The user-agent styles WeChat gives the built-in components these pages use (as its base library does). */
const WECHAT_CSS = `
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; width: ${VIEWPORT_WIDTH}px; min-height: 100vh; font-size: 16px; line-height: normal;
  background: #f3f3f3; color: rgba(0, 0, 0, 0.9);
  font-family: -apple-system, 'PingFang SC', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif;
}
main, wx-view, wx-scroll-view, wx-swiper, wx-swiper-item, wx-form, wx-radio-group, wx-checkbox-group,
wx-movable-area, wx-cover-view, wx-rich-text, wx-input, wx-textarea, wx-image, wx-progress, wx-picker { display: block; }
wx-text, wx-label, wx-navigator, wx-icon { display: inline; }
wx-text { white-space: pre-wrap; }
wx-image { width: 320px; height: 240px; overflow: hidden; }
wx-scroll-view { width: 100%; overflow: hidden; }
[hidden] { display: none !important; }
wx-input {
  height: 1.4rem; min-height: 1.4rem; line-height: 1.4rem; overflow: hidden; white-space: nowrap;
  text-overflow: clip; cursor: auto;
}
wx-textarea { width: 300px; height: 150px; overflow: hidden; white-space: pre-wrap; word-break: break-all; }
.shot-placeholder { color: rgba(0, 0, 0, 0.4); }
wx-button {
  position: relative; display: block; box-sizing: border-box; margin-left: auto; margin-right: auto;
  padding-left: 14px; padding-right: 14px; font-size: 18px; text-align: center; text-decoration: none;
  line-height: 2.55555556; border-radius: 5px; overflow: hidden; color: #000; background-color: #f8f8f8;
}
wx-button::after {
  content: ' '; width: 200%; height: 200%; position: absolute; top: 0; left: 0; box-sizing: border-box;
  border: 1px solid rgba(0, 0, 0, 0.2); transform: scale(0.5); transform-origin: 0 0; border-radius: 10px;
}
`;

/**
 * What TDesign lays out from measurements at run time (wx.createSelectorQuery), which jsdom can't give: the
 * harness answers every query with zero sizes, so those parts are drawn here with CSS instead; and what its
 * transitions leave behind once they would have ended.
 */
const TDESIGN_CSS = `
[class*='t-tabs__track'] { display: none; }
/* a popup or overlay that is closing: its leave transition never ends in jsdom; on a phone it is gone */
[class*='-leave-active'] { display: none !important; }
[class*='t-tabs__item--line'][class*='t-tabs__item--active']::after {
  content: ''; position: absolute; left: 50%; bottom: 0.5px; width: 16px; height: 3px; margin-left: -8px;
  border-radius: 4px; background: var(--td-tab-track-color, var(--td-brand-color, #0052d9));
}
`;

/** The status bar and navigation bar WeChat draws above the page (style from app.json's window and the page). */
function navigationBar(route: string): string {
  const app = JSON.parse(readFileSync(join(MINIPROGRAM, 'app.json'), 'utf8')) as {
    pages: string[];
    window?: Record<string, string>;
  };
  const own = JSON.parse(readFileSync(join(MINIPROGRAM, `${route}.json`), 'utf8')) as Record<string, string>;
  const window = { ...app.window, ...own };
  const background = window.navigationBarBackgroundColor ?? '#fff';
  const light = window.navigationBarTextStyle === 'white';
  const home = app.pages[0] === route;
  return `<div class="shot-bar shot-bar--${light ? 'light' : 'dark'}" style="background: ${background}">
  <div class="shot-status"><span>9:41</span><span class="shot-battery"></span></div>
  <div class="shot-nav">${home ? '' : '<span class="shot-back"></span>'}<span class="shot-title">${escapeHtml(
    window.navigationBarTitleText ?? '',
  )}</span><span class="shot-capsule"><span class="shot-dots"></span><span class="shot-ring"></span></span></div>
</div>`;
}

const BAR_CSS = `
.shot-bar { font-family: inherit; }
.shot-bar--light { color: #fff; }
.shot-bar--dark { color: #000; }
.shot-status { height: 20px; padding: 0 16px; display: flex; align-items: center; justify-content: space-between;
  font-size: 12px; font-weight: 600; }
.shot-battery { width: 22px; height: 10px; border: 1px solid currentColor; border-radius: 3px; box-sizing: border-box;
  padding: 1px; opacity: 0.9; background: currentColor content-box; }
.shot-nav { position: relative; height: 44px; display: flex; align-items: center; justify-content: center; }
.shot-title { font-size: 17px; font-weight: 600; max-width: 200px; overflow: hidden; white-space: nowrap;
  text-overflow: ellipsis; }
.shot-back { position: absolute; left: 16px; top: 15px; width: 11px; height: 11px; border-left: 2px solid currentColor;
  border-bottom: 2px solid currentColor; transform: rotate(45deg); }
.shot-capsule { position: absolute; right: 10px; top: 4px; width: 87px; height: 32px; box-sizing: border-box;
  border-radius: 16px; display: flex; align-items: center; justify-content: space-around; }
.shot-bar--light .shot-capsule { background: rgba(0, 0, 0, 0.15); border: 1px solid rgba(255, 255, 255, 0.25); }
.shot-bar--dark .shot-capsule { background: rgba(255, 255, 255, 0.6); border: 1px solid rgba(0, 0, 0, 0.1); }
.shot-dots { width: 4px; height: 4px; border-radius: 50%; background: currentColor;
  box-shadow: -7px 0 0 currentColor, 7px 0 0 currentColor; }
.shot-ring { width: 14px; height: 14px; box-sizing: border-box; border-radius: 50%; border: 2px solid currentColor;
  background: radial-gradient(circle, currentColor 2.5px, transparent 3px); }
`;

/** After layout, the page's full height, for tools/shots/capture.js to size the window. */
const MEASURE = `<script>
addEventListener('load', () => {
  document.documentElement.setAttribute('data-shot-height', String(document.documentElement.scrollHeight));
});
</script>`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/** The whole HTML file for one state of the page at `route`. */
export function snapshotHtml(page: PageInstance, route: string, name: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=${VIEWPORT_WIDTH}, initial-scale=1">
<title>${escapeHtml(name)} · ${escapeHtml(route)}</title>
<style>${WECHAT_CSS}</style>
<style>${appStyles()}</style>
<style>${injectedStyles()}</style>
<style>${TDESIGN_CSS}${ICON_CSS}${BAR_CSS}</style>
</head>
<body>
${navigationBar(route)}
${pageMarkup(page)}
${MEASURE}
</body>
</html>
`;
}
