/**
 * Builders for the scanner tree through the `org` API only (API.md `org`): registered citizens, sites, invited
 * and claimed positions, disabled and replaced ones. Every builder step must be accepted by the API, else it throws
 * with the envelope it got, so that a broken setup never passes for a refusal under test.
 */
import type { PositionDoc } from '../../cloudfunctions/_server/db/documents';
import { INITIATOR_POSITION_ID, ROOT_SITE_ID } from '../../cloudfunctions/_server/org/bootstrap';
import type { Role } from '../../miniprogram/core/org';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from './identities';
import { call, type HttpReply } from './local-cloud';

/** A registered citizen and the identity they registered with. */
export interface Citizen {
  openid: string;
  name: string;
  phone: string;
}

/** A position and the openid that acts in it (its holder, or whoever a test lets try). */
export interface Held {
  id: string;
  openid: string;
  role: Role;
  siteId: string;
}

/** A valid unified social credit code (GB 32100). */
export const USCC = '91350100M000100Y43';
const LOCATION = { latitude: 43.88, longitude: 125.32 };

export class OrgTree {
  private nextPerson: number;

  constructor(
    private readonly cloud: LocalCloud,
    firstPerson: number,
    readonly initiator: Held = {
      id: INITIATOR_POSITION_ID,
      openid: 'test-initiator',
      role: 'initiator',
      siteId: ROOT_SITE_ID,
    },
  ) {
    this.nextPerson = firstPerson;
  }

  org<T = Record<string, unknown>>(
    openid: string | null,
    body: Record<string, unknown>,
  ): Promise<HttpReply<T>> {
    return call<T>(this.cloud, 'org', body, openid);
  }

  /** Runs an action that must succeed and returns its data. */
  async ok<T = Record<string, unknown>>(openid: string, body: Record<string, unknown>): Promise<T> {
    const reply = await this.org<T>(openid, body);
    if (!reply.body.ok) {
      throw new Error(`setup: org.${String(body.action)} as ${openid} failed: ${JSON.stringify(reply.body)}`);
    }
    return reply.body.data as T;
  }

  /** A newly registered citizen with a valid synthetic identity. */
  async citizen(openid: string): Promise<Citizen> {
    const identity = personOf(this.nextPerson++);
    const reply = await call(this.cloud, 'citizen', { action: 'register', ...identity }, openid);
    if (!reply.body.ok) throw new Error(`setup: register ${openid} failed: ${JSON.stringify(reply.body)}`);
    return { openid, name: identity.name, phone: identity.phone };
  }

  async site(actor: Held, name: string, parentSiteId?: string): Promise<string> {
    const data = await this.ok<{ siteId: string }>(actor.openid, {
      action: 'createSite',
      actingPositionId: actor.id,
      name,
      type: 'department',
      address: '吉林省长春市南关区',
      location: LOCATION,
      ...(parentSiteId === undefined ? {} : { parentSiteId }),
    });
    return data.siteId;
  }

  /** A pending position below the actor, invited for `holder`. */
  invite(
    actor: Held,
    siteId: string,
    role: Role,
    holder: { name: string; phone: string },
  ): Promise<{ positionId: string; inviteCode: string }> {
    return this.ok(actor.openid, {
      action: 'createPosition',
      actingPositionId: actor.id,
      siteId,
      role,
      holderName: holder.name,
      holderPhone: holder.phone,
    });
  }

  async claim(holder: Citizen, inviteCode: string): Promise<void> {
    await this.ok(holder.openid, { action: 'claim', inviteCode });
  }

  /** A position created by the actor and claimed by the (registered) holder: active. */
  async held(actor: Held, siteId: string, role: Role, holder: Citizen): Promise<Held> {
    const { positionId, inviteCode } = await this.invite(actor, siteId, role, holder);
    await this.claim(holder, inviteCode);
    return { id: positionId, openid: holder.openid, role, siteId };
  }

  async disable(actor: Held, positionId: string, cascade = false): Promise<string[]> {
    const data = await this.ok<{ disabled: string[] }>(actor.openid, {
      action: 'disable',
      actingPositionId: actor.id,
      positionId,
      cascade,
      reason: '测试',
    });
    return data.disabled;
  }

  /** A senior application by the citizen (a replacement when `replacesPositionId` is given). */
  async applySenior(applicant: Citizen, replacesPositionId?: string): Promise<string> {
    const data = await this.ok<{ applicationId: string }>(applicant.openid, {
      action: 'applySenior',
      unitName: '长春市测试局',
      uscc: USCC,
      siteType: 'gov',
      address: '吉林省长春市朝阳区',
      location: LOCATION,
      applicantName: applicant.name,
      applicantPhone: applicant.phone,
      ...(replacesPositionId === undefined
        ? {}
        : { replacesPositionId, letter: '原高级扫码员调离，特函申请更换。' }),
    });
    return data.applicationId;
  }

  position(id: string): PositionDoc {
    const found = this.cloud.store.get('positions', id);
    if (!found) throw new Error(`no position ${id}`);
    return found.doc as unknown as PositionDoc;
  }
}
