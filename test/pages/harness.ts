/**
 * Pages as a person uses them: miniprogram-simulate with the official compiler and the real TDesign, a `wx` that
 * routes wx.cloud.callFunction to an in-process local cloud (the same bundled functions), and knobs for the
 * things a phone decides — the network, the camera's scan result, the location, the random bytes.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { openLocalCloud } from '../helpers/local-cloud';

export const MINIPROGRAM = join(__dirname, '..', '..', 'miniprogram');

/**
 * What a page drew on a canvas (type 2d): miniprogram-simulate renders `<canvas>` as an empty element with no
 * node, so the phone lends every `fields({ node: true })` query a canvas that records its size and the rectangles
 * filled on it, in order (a resize clears it, as on a phone).
 */
export interface DrawnCanvas {
  width: number;
  height: number;
  rects: Array<{ fill: string; x: number; y: number; w: number; h: number }>;
}

export interface Phone {
  openid: string;
  online: boolean;
  scanResult: string | null;
  location: { latitude: number; longitude: number; accuracy?: number };
  /** Whether the user allows the location (scope.userLocation); WeChat's settings page can turn it on. */
  locationAllowed: boolean;
  /** What the settings page does when opened: the user allows the location there, or not. */
  allowsInSettings: boolean;
  /** Whether the user confirms a wx.showModal. */
  confirms: boolean;
  /** The place the user picks in wx.chooseLocation (null: they cancel). */
  chosenPlace: { name: string; address: string; latitude: number; longitude: number } | null;
  /** The file the user picks in wx.chooseMessageFile (null: they cancel), and the files the phone holds by path. */
  chosenFile: { name: string; path: string; size: number } | null;
  files: Map<string, Uint8Array>;
  /** What the user answers to wx.requestSubscribeMessage for each template id ('accept' | 'reject'). */
  subscribeAnswer: 'accept' | 'reject';
  /** The content of every wx.showModal shown. */
  modals: string[];
  storage: Map<string, unknown>;
  navigations: string[];
  toasts: string[];
  cloudCalls: Array<{ name: string; action: unknown }>;
  /** Every canvas a page asked for, oldest first. */
  canvases: DrawnCanvas[];
}

export const phone: Phone = {
  openid: 'page-user',
  online: true,
  scanResult: null,
  location: { latitude: 43.9036, longitude: 125.3184 },
  locationAllowed: true,
  allowsInSettings: true,
  confirms: true,
  chosenPlace: null,
  chosenFile: null,
  files: new Map(),
  subscribeAnswer: 'accept',
  modals: [],
  storage: new Map(),
  navigations: [],
  toasts: [],
  cloudCalls: [],
  canvases: [],
};

function canvasNode() {
  const drawn: DrawnCanvas = { width: 300, height: 150, rects: [] };
  phone.canvases.push(drawn);
  const context = {
    fillStyle: '#000000',
    fillRect(x: number, y: number, w: number, h: number) {
      drawn.rects.push({ fill: context.fillStyle, x, y, w, h });
    },
  };
  return {
    get width() {
      return drawn.width;
    },
    set width(value: number) {
      drawn.width = value;
      drawn.rects = [];
    },
    get height() {
      return drawn.height;
    },
    set height(value: number) {
      drawn.height = value;
      drawn.rects = [];
    },
    getContext: (type: string) => (type === '2d' ? context : null),
  };
}

type Callbacks<T> = {
  success?: (res: T) => void;
  fail?: (err: { errMsg: string }) => void;
  complete?: () => void;
};

function respond<T>(options: Callbacks<T>, run: () => Promise<T>): void {
  run().then(
    (res) => {
      options.success?.(res);
      options.complete?.();
    },
    (err: unknown) => {
      options.fail?.({ errMsg: err instanceof Error ? err.message : String(err) });
      options.complete?.();
    },
  );
}

export function installWx(cloud: LocalCloud): void {
  const wx = {
    cloud: {
      init: () => undefined,
      callFunction: (
        options: { name: string; data: Record<string, unknown> } & Callbacks<{ result: unknown }>,
      ) =>
        respond(options, async () => {
          phone.cloudCalls.push({ name: options.name, action: options.data.action });
          if (!phone.online) throw new Error('cloud.callFunction:fail network unavailable');
          // what wx.cloud adds to every call's data
          const data = { ...options.data, userInfo: { appId: 'wx-local-cloud', openId: phone.openid } };
          return { result: await cloud.functions.invoke(options.name, data, { openid: phone.openid }) };
        }),
    },
    request: () => {
      throw new Error('pages under test use wx.cloud');
    },
    getStorageSync: (key: string) =>
      phone.storage.has(key) ? JSON.parse(JSON.stringify(phone.storage.get(key))) : '',
    setStorageSync: (key: string, value: unknown) =>
      phone.storage.set(key, JSON.parse(JSON.stringify(value))),
    getRandomValues: (options: { length: number } & Callbacks<{ randomValues: ArrayBuffer }>) =>
      respond(options, async () => ({ randomValues: new Uint8Array(randomBytes(options.length)).buffer })),
    scanCode: (options: Callbacks<{ result: string }>) =>
      respond(options, async () => {
        if (phone.scanResult === null) throw new Error('scanCode:fail cancel');
        return { result: phone.scanResult };
      }),
    getLocation: (options: Callbacks<{ latitude: number; longitude: number }>) =>
      respond(options, async () => {
        if (!phone.locationAllowed) throw new Error('getLocation:fail auth deny');
        // what a phone reports: more than the coordinates
        return {
          speed: 0,
          altitude: 200,
          verticalAccuracy: 10,
          horizontalAccuracy: 30,
          accuracy: 30,
          ...phone.location,
        };
      }),
    startLocationUpdate: (options: Callbacks<unknown>) =>
      respond(options, async () => {
        if (!phone.locationAllowed) throw new Error('startLocationUpdate:fail auth deny');
        locationUpdates = true;
        setTimeout(emitLocation, 0);
        return {};
      }),
    stopLocationUpdate: () => {
      locationUpdates = false;
    },
    onLocationChange: (listener: (res: unknown) => void) => locationListeners.add(listener),
    offLocationChange: (listener: (res: unknown) => void) => locationListeners.delete(listener),
    openSetting: (options: Callbacks<{ authSetting: Record<string, boolean> }>) =>
      respond(options, async () => {
        if (phone.allowsInSettings) phone.locationAllowed = true;
        return { authSetting: { 'scope.userLocation': phone.locationAllowed } };
      }),
    navigateTo: (options: { url: string }) => phone.navigations.push(options.url),
    redirectTo: (options: { url: string }) => phone.navigations.push(options.url),
    navigateBack: () => phone.navigations.push('back'),
    showToast: (options: { title: string }) => phone.toasts.push(options.title),
    showModal: (options: { content?: string } & Callbacks<{ confirm: boolean; cancel: boolean }>) =>
      respond(options, async () => {
        phone.modals.push(options.content ?? '');
        return { confirm: phone.confirms, cancel: !phone.confirms };
      }),
    chooseLocation: (
      options: Callbacks<{ name: string; address: string; latitude: number; longitude: number }>,
    ) =>
      respond(options, async () => {
        if (!phone.chosenPlace) throw new Error('chooseLocation:fail cancel');
        return { ...phone.chosenPlace };
      }),
    chooseMessageFile: (
      options: Callbacks<{ tempFiles: Array<{ name: string; path: string; size: number; type: string }> }>,
    ) =>
      respond(options, async () => {
        if (!phone.chosenFile) throw new Error('chooseMessageFile:fail cancel');
        return { tempFiles: [{ ...phone.chosenFile, type: 'file' }] };
      }),
    getFileSystemManager: () => ({
      readFile: (
        options: { filePath: string; encoding?: string } & Callbacks<{ data: string | ArrayBuffer }>,
      ) =>
        respond(options, async () => {
          const bytes = phone.files.get(options.filePath);
          if (!bytes) throw new Error(`readFile:fail no such file ${options.filePath}`);
          if (options.encoding === 'utf8' || options.encoding === 'utf-8') {
            return { data: new TextDecoder().decode(bytes) };
          }
          return { data: new Uint8Array(bytes).buffer as ArrayBuffer };
        }),
    }),
    requestSubscribeMessage: (options: { tmplIds: string[] } & Callbacks<Record<string, string>>) =>
      respond(options, async () =>
        Object.fromEntries([
          ['errMsg', 'requestSubscribeMessage:ok'],
          ...options.tmplIds.map((id) => [id, phone.subscribeAnswer]),
        ]),
      ),
    setClipboardData: (options: Callbacks<unknown>) => respond(options, async () => ({})),
    vibrateShort: () => undefined,
    onNetworkStatusChange: () => undefined,
    offNetworkStatusChange: () => undefined,
    getSystemInfoSync: () => ({
      windowWidth: 375,
      windowHeight: 812,
      screenWidth: 375,
      pixelRatio: 2,
      platform: 'devtools',
      SDKVersion: '3.7.0',
      statusBarHeight: 20,
    }),
    getWindowInfo: () => ({
      windowWidth: 375,
      windowHeight: 812,
      screenWidth: 375,
      pixelRatio: 2,
      statusBarHeight: 20,
    }),
    getDeviceInfo: () => ({ platform: 'devtools' }),
    getAppBaseInfo: () => ({ SDKVersion: '3.7.0' }),
    getMenuButtonBoundingClientRect: () => ({
      top: 24,
      height: 32,
      width: 87,
      left: 278,
      right: 365,
      bottom: 56,
    }),
    canIUse: () => true,
    nextTick: (fn: () => void) => setTimeout(fn, 0),
    createSelectorQuery: () => {
      let node = false;
      const query = {
        in: () => query,
        select: () => query,
        selectAll: () => query,
        boundingClientRect: () => query,
        fields: (fields: { node?: boolean }) => {
          node ||= Boolean(fields?.node);
          return query;
        },
        exec: (cb?: (res: unknown[]) => void) =>
          cb?.([{ width: 0, height: 0, top: 0, left: 0, ...(node ? { node: canvasNode() } : {}) }]),
      };
      return query;
    },
  };
  Object.assign(globalThis, {
    wx,
    getApp: () => ({ globalData: { backend: 'cloud' } }),
    getCurrentPages: () => [],
  });
}

let cloud: LocalCloud | null = null;

let locationUpdates = false;
const locationListeners = new Set<(res: unknown) => void>();

/** The phone reports its location to every listener while location updates run (as it moves: call again). */
export function emitLocation(): void {
  if (!locationUpdates) return;
  for (const listener of locationListeners)
    listener({ speed: 0, altitude: 200, accuracy: 30, ...phone.location });
}

/** One local cloud per test file, with the bootstrap initiator `page-initiator`. */
export async function startCloud(): Promise<LocalCloud> {
  cloud = await openLocalCloud({ bootstrapOpenid: 'page-initiator' });
  installWx(cloud);
  return cloud;
}

export async function stopCloud(): Promise<void> {
  await cloud?.close();
  cloud = null;
}

export function resetPhone(openid: string): void {
  Object.assign(phone, {
    openid,
    online: true,
    scanResult: null,
    location: { latitude: 43.9036, longitude: 125.3184 },
    locationAllowed: true,
    allowsInSettings: true,
    confirms: true,
    chosenPlace: null,
    chosenFile: null,
    subscribeAnswer: 'accept',
    modals: [],
    navigations: [],
    toasts: [],
    cloudCalls: [],
    canvases: [],
  });
  phone.storage.clear();
  phone.files.clear();
  locationListeners.clear();
  locationUpdates = false;
}

type Simulate = typeof import('miniprogram-simulate');

/**
 * WeChat's wcc compiles every .wxml under the root at once (TDesign's, and the subpackages' copies of it): more than
 * the 1 MB of output miniprogram-compiler reads by default, past which the output is cut short or the compile fails.
 */
export const WCC_MAX_BUFFER = 32 * 1024 * 1024;
export type PageInstance = ReturnType<Simulate['render']>;

/**
 * Loads, renders and attaches a page (e.g. `pages/code/code`), with options as the route's query. Each page
 * gets a fresh module registry: miniprogram-simulate registers a component only once per registry.
 */
export function openPage(route: string, query: Record<string, string> = {}): PageInstance {
  jest.resetModules();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const simulate = require('miniprogram-simulate') as Simulate;
  const id = simulate.load(join(MINIPROGRAM, route), {
    rootPath: MINIPROGRAM,
    compilerOptions: { maxBuffer: WCC_MAX_BUFFER },
  });
  const page = simulate.render(id);
  page.attach(document.createElement('parent-wrapper'));
  // Component-based pages receive the route's query through the onLoad page lifetime
  const instance = page.instance as unknown as { onLoad?: (q: Record<string, string>) => void };
  instance.onLoad?.(query);
  return page;
}

/** Waits until the page shows what is expected (pages load asynchronously), or fails after 3 s. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The text a person sees on the page. */
export function textOf(page: PageInstance): string {
  return (page.dom as HTMLElement).textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

/** Detaches a page, as leaving it does (its timers stop). */
export function closePage(page: PageInstance): void {
  (page as unknown as { detach(): void }).detach();
}

type Rendered = { dispatchEvent(name: string, detail?: unknown): void };

function find(page: PageInstance, selector: string): Rendered | null {
  return (page as unknown as { querySelector(s: string): Rendered | null }).querySelector(selector);
}

/** A rendered node of the page, found by a selector (`#scan`, `#guest-name`). Fails if it is not rendered. */
export function nodeOf(page: PageInstance, selector: string): Rendered {
  const node = find(page, selector);
  if (!node) throw new Error(`nothing rendered for ${selector}`);
  return node;
}

/**
 * A finger taps the rendered node: its `bind:tap` runs, as on a phone. On a TDesign button the tap lands on the
 * button inside it, which re-emits `tap` unless the button is disabled or loading.
 */
export async function tap(page: PageInstance, selector: string): Promise<void> {
  const inner = find(page, `${selector} >>> .t-button`) ?? find(page, `${selector} >>> .t-cell`);
  (inner ?? nodeOf(page, selector)).dispatchEvent('tap');
  await settle();
}

/**
 * Typing into a TDesign input or textarea: the native control inside gets `input`, and the component emits
 * `change` with the value (cut to its maxlength), which the page's `bind:change` receives.
 */
export async function type(page: PageInstance, selector: string, value: string): Promise<void> {
  const control =
    find(page, `${selector} >>> .t-input__control`) ??
    find(page, `${selector} >>> .t-textarea__wrapper-inner`);
  if (control) control.dispatchEvent('input', { detail: { value, cursor: value.length, keyCode: 0 } });
  else nodeOf(page, selector).dispatchEvent('input', { detail: { value } });
  await settle();
}

/** The value a TDesign input shows: the component's own `value`, which its native control renders. */
export function fieldValue(page: PageInstance, selector: string): unknown {
  return (nodeOf(page, selector) as unknown as { instance: { data: { value?: unknown } } }).instance.data
    .value;
}

/**
 * Choosing a value in a component that emits `change` with `{ value }` itself (a native picker, a date picker).
 * For a TDesign switch or radio group, tap the rendered option instead (hierarchy-helpers: toggle, pickOption).
 */
export async function choose(page: PageInstance, selector: string, value: unknown): Promise<void> {
  nodeOf(page, selector).dispatchEvent('change', { detail: { value } });
  await settle();
}

/** Lets the handlers a dispatch started run (they call the cloud and setData asynchronously). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
