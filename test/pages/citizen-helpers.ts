/**
 * What a finger does on the citizen's pages beyond test/pages/harness.ts: flip a TDesign switch, answer WeChat's
 * phone-number button, and read a rendered field's hint — always on rendered nodes, failing loudly (nodeOf) when a
 * selector matches nothing.
 */
import { nodeOf, settle, type PageInstance } from './harness';

/** A tap on a TDesign t-switch: the switch inside the component takes it and emits `change` with the new value. */
export async function flip(page: PageInstance, selector: string): Promise<void> {
  nodeOf(page, `${selector} >>> .t-switch`).dispatchEvent('tap');
  await settle();
}

/**
 * WeChat answers a `open-type="getPhoneNumber"` button (the native button inside a t-button): `getphonenumber` with
 * `{ code }` when the user allows, `{}` when they decline.
 */
export async function answerPhoneNumber(
  page: PageInstance,
  selector: string,
  detail: { code?: string },
): Promise<void> {
  nodeOf(page, `${selector} >>> .t-button`).dispatchEvent('getphonenumber', { detail });
  await settle();
}

type Many = { querySelectorAll(s: string): Array<{ dom?: HTMLElement; dispatchEvent(name: string): void }> };

/**
 * A tap on the option of a TDesign checkbox or radio group that reads `label`: the group emits `change` with the
 * values it now holds, as on a phone. Fails when no option reads so.
 */
export async function tapOption(page: PageInstance, selector: string, label: string): Promise<void> {
  const options = (page as unknown as Many).querySelectorAll(
    `${selector} >>> .t-checkbox, ${selector} >>> .t-radio`,
  );
  const option = options.find((o) => o.dom?.textContent?.trim() === label);
  if (!option) throw new Error(`no option "${label}" rendered in ${selector}`);
  option.dispatchEvent('tap');
  await settle();
}

type Exparser = { $$?: HTMLElement | null; shadowRoot?: { childNodes: Exparser[] } };
type Node = { dom?: HTMLElement | null; _exparserNode: Exparser };

/**
 * The text rendered inside a node (a field with its hint, a card), white space folded. A component's host has no
 * element of its own in the simulated DOM: its text is that of what it renders.
 */
export function textIn(page: PageInstance, selector: string): string {
  const node = nodeOf(page, selector) as unknown as Node;
  const text =
    node.dom?.textContent ??
    (node._exparserNode.shadowRoot?.childNodes ?? []).map((child) => child.$$?.textContent ?? '').join(' ');
  return text.replace(/\s+/g, ' ').trim();
}

/** The value a TDesign input, textarea or switch shows now (the component's own `value`, as it renders it). */
export function valueIn(page: PageInstance, selector: string): unknown {
  return (nodeOf(page, selector) as unknown as { data: { value?: unknown } }).data.value;
}

/** Whether something is rendered for the selector (for what must not be shown). */
export function isRendered(page: PageInstance, selector: string): boolean {
  try {
    nodeOf(page, selector);
    return true;
  } catch {
    return false;
  }
}
