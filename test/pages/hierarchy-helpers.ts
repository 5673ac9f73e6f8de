/**
 * Helpers for the scanner hierarchy's page tests (码上行动, 下级管理, 站点): what a person sees on one rendered node,
 * and the setup a test needs before the page under test opens (through the API, as other people would have
 * done it). Nothing here calls a page method.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call } from '../helpers/local-cloud';
import { register, type Scanner } from '../helpers/world';
import { nodeOf, settle, type PageInstance } from './harness';

type Rendered = { dom: HTMLElement };

function rendered(page: PageInstance, selector: string): Rendered | null {
  // j-component answers undefined for no match
  return (
    (page as unknown as { querySelector(s: string): Rendered | undefined }).querySelector(selector) ?? null
  );
}

/** Whether the page renders a node for the selector (a button offered, a field shown). */
export function exists(page: PageInstance, selector: string): boolean {
  return rendered(page, selector) !== null;
}

type ExparserNode = { $$?: HTMLElement; shadowRoot?: { childNodes: ExparserNode[] } };

/** The text under an exparser node; a TDesign component with a virtual host has no element of its own. */
function textUnder(node: ExparserNode): string {
  if (node.$$) return node.$$.textContent ?? '';
  return (node.shadowRoot?.childNodes ?? []).map(textUnder).join('');
}

/** The text a person sees in one rendered node (a row, a badge, a field with its hint); fails if not rendered. */
export function textAt(page: PageInstance, selector: string): string {
  const node = nodeOf(page, selector) as unknown as Rendered & { _exparserNode: ExparserNode };
  const text = node.dom ? (node.dom.textContent ?? '') : textUnder(node._exparserNode);
  return text.replace(/\s+/g, ' ').trim();
}

/** The class names of one rendered node (TDesign and miniprogram-simulate prefix them: compare with `includes`). */
export function classOf(page: PageInstance, selector: string): string {
  return (nodeOf(page, selector) as unknown as Rendered).dom.className;
}

/** A finger flips a TDesign switch: the tap lands on its body, and the switch emits `change` with its new value. */
export async function toggle(page: PageInstance, selector: string): Promise<void> {
  const body = rendered(page, `${selector} >>> .t-switch__body`);
  if (!body) throw new Error(`no switch rendered for ${selector}`);
  (body as unknown as { dispatchEvent(name: string): void }).dispatchEvent('tap');
  await settle();
}

/**
 * A finger taps the option with this label in a TDesign radio group (`t-radio-group` with `options`): the radio
 * emits `change`, and the group re-emits it with the option's value to the page.
 */
export async function pickOption(page: PageInstance, selector: string, label: string): Promise<void> {
  type Node = Rendered & { _exparserNode: ExparserNode; dispatchEvent(name: string): void };
  const options = (page as unknown as { querySelectorAll(s: string): Node[] }).querySelectorAll(
    `${selector} >>> .t-radio__content`,
  );
  const option = options.find((o) => textUnder(o._exparserNode).trim() === label);
  if (!option) throw new Error(`no option ${label} rendered in ${selector}`);
  option.dispatchEvent('tap');
  await settle();
}

/** What a TDesign input shows in its box: its native control's `value` (j-component keeps it on the node). */
export function valueIn(page: PageInstance, selector: string): string {
  const control = rendered(page, `${selector} >>> .t-input__control`);
  if (!control) throw new Error(`no input rendered for ${selector}`);
  const node = control as unknown as {
    _exparserNode: { _vt?: { attrs?: Array<{ name: string; value: unknown }> } };
  };
  const value = node._exparserNode._vt?.attrs?.find((a) => a.name === 'value')?.value;
  return value === undefined || value === null ? '' : String(value);
}

export async function orgCall<T = unknown>(
  cloud: LocalCloud,
  openid: string,
  body: Record<string, unknown>,
): Promise<T> {
  const reply = await call<T>(cloud, 'org', body, openid);
  if (!reply.body.ok) throw new Error(`setup: org.${String(body.action)}: ${JSON.stringify(reply.body)}`);
  return reply.body.data as T;
}

/** A site created by a position, as its holder would (setup for a page test). */
export async function siteBy(
  cloud: LocalCloud,
  actor: { id: string; openid: string },
  name: string,
  type: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const data = await orgCall<{ siteId: string }>(cloud, actor.openid, {
    action: 'createSite',
    actingPositionId: actor.id,
    name,
    type,
    address: name,
    location: { latitude: 43.9036, longitude: 125.3184 },
    ...extra,
  });
  return data.siteId;
}

/** A registered citizen who is invited by `actor` at `siteId` and claims the position (setup). */
export async function scannerAt(
  cloud: LocalCloud,
  actor: { id: string; openid: string },
  siteId: string,
  role: string,
  openid: string,
): Promise<Scanner> {
  const holder = await register(cloud, openid);
  const created = await orgCall<{ positionId: string; inviteCode: string }>(cloud, actor.openid, {
    action: 'createPosition',
    actingPositionId: actor.id,
    siteId,
    role,
    holderName: holder.name,
    holderPhone: holder.phone,
  });
  await orgCall(cloud, openid, { action: 'claim', inviteCode: created.inviteCode });
  return { id: created.positionId, openid, ...holder };
}
