/**
 * Helpers for the provincial desk's page tests (admin/desk, admin/records, admin/applications): what a person
 * reads in one part of the page, the file they pick from a WeChat chat, and what the audit log holds afterwards.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { nodeOf, phone, settle, type PageInstance } from './harness';

interface ExparserNode {
  $$?: HTMLElement;
  shadowRoot?: { childNodes: ExparserNode[] };
}

/** A custom component's host has no DOM node of its own (j-component renders it virtual): read its shadow tree. */
function renderedText(node: ExparserNode): string {
  if (node.$$) return node.$$.textContent ?? '';
  return (node.shadowRoot?.childNodes ?? []).map(renderedText).join(' ');
}

/** The text rendered inside the node (`#summary`, `#scan-…`); fails if nothing is rendered for it. */
export function textIn(page: PageInstance, selector: string): string {
  const node = nodeOf(page, selector) as unknown as { _exparserNode: ExparserNode };
  return renderedText(node._exparserNode).replace(/\s+/g, ' ').trim();
}

/** Whether anything is rendered for the selector. */
export function shows(page: PageInstance, selector: string): boolean {
  return Boolean((page as unknown as { querySelector(s: string): unknown }).querySelector(selector));
}

let files = 0;

/** The file the user will pick in wx.chooseMessageFile: a temporary path holding these bytes. */
export function fileInChat(name: string, bytes: Uint8Array): void {
  const path = `wxfile://tmp_${++files}_${name}`;
  phone.files.set(path, bytes);
  phone.chosenFile = { name, path, size: bytes.length };
}

/** The calls the page made to one action, in order. */
export function callsTo(action: string): number {
  return phone.cloudCalls.filter((call) => call.action === action).length;
}

export interface AuditRow {
  action: string;
  actorPositionId: string | null;
  target: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

/** The audit rows of an action, oldest first. */
export function auditOf(cloud: LocalCloud, action: string): AuditRow[] {
  const rows = cloud.store.find('audit', { action }).docs as unknown as Array<AuditRow & { at: Date }>;
  return rows.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
}

/**
 * A finger taps the option that reads `label` in a TDesign radio group (`.t-radio`) or tab bar (`.t-tabs__item`):
 * the component then emits `change` to the page's binding. (Dispatching `change` on the component's host, as
 * harness.choose does, reaches no binding: the host of a custom component has no DOM node in j-component.) Fails,
 * naming what is offered, when no option reads so.
 */
export async function tapOption(
  page: PageInstance,
  group: string,
  label: string,
  option = '.t-radio',
): Promise<void> {
  type Node = { dom: HTMLElement; dispatchEvent(name: string): void };
  const options = (page as unknown as { querySelectorAll(s: string): Node[] }).querySelectorAll(
    `${group} >>> ${option}`,
  );
  const texts = options.map((o) => o.dom.textContent?.replace(/\s+/g, ' ').trim() ?? '');
  const i = texts.indexOf(label);
  if (i < 0) throw new Error(`${group} offers no “${label}”: ${texts.join(' | ') || 'nothing'}`);
  options[i]!.dispatchEvent('tap');
  await settle();
}

/**
 * A slow network for one call: the `nth` call to `action` waits until `release()` (then goes as usual), so a test
 * can see what the page shows meanwhile. `restore()` puts the phone's network back.
 */
export function holdCall(action: string, nth: number): { release(): void; restore(): void } {
  type CallFunction = (options: { data: { action?: unknown } }) => void;
  const cloudApi = (globalThis as unknown as { wx: { cloud: { callFunction: CallFunction } } }).wx.cloud;
  const original = cloudApi.callFunction;
  let release = () => undefined as void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let seen = 0;
  cloudApi.callFunction = (options) => {
    if (options.data.action === action && ++seen === nth) void released.then(() => original(options));
    else original(options);
  };
  return { release, restore: () => (cloudApi.callFunction = original) };
}
