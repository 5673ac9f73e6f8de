// @ts-check
/**
 * The test environment of `npm run mutate` (Stryker's jest runner wraps it with its own, which records which test
 * covers which mutant). Stryker counts what runs outside a test — in a `beforeAll` — as "static" coverage, and runs
 * every test of the area for each such mutant. Our integration tests build their world (a local cloud, sites,
 * positions) in `beforeAll`, so nearly every server mutant would be static and an area would take hours. Here the
 * coverage of a `beforeAll` hook is credited to every test of its describe block instead: the test filter then
 * runs those tests, with their hook, for the mutant — which is exactly what it needs to be killed.
 */
const { TestEnvironment } = require('jest-environment-node');

const HOOK_TEST_ID = '\u0000jxm-beforeAll';

/** Jest's id of a test (what Stryker's test filter matches): the describe names and the test name. */
function testId(test) {
  const names = [];
  for (let node = test; node && node.parent; node = node.parent) names.unshift(node.name);
  return names.join(' ').trimStart();
}

function testsUnder(block, out = []) {
  for (const child of block.children ?? []) {
    if (child.type === 'describeBlock') testsUnder(child, out);
    else out.push(child);
  }
  return out;
}

class HookCoverageEnvironment extends TestEnvironment {
  /** Stryker's instrumenter context (`__stryker__`), once its wrapper has put it on the global. */
  strykerContext() {
    const global = /** @type {Record<string, any>} */ (this.global);
    return global[global.__strykerGlobalNamespace__ ?? '__stryker__'];
  }

  /** @param {any} event */
  async handleTestEvent(event) {
    const ns = this.strykerContext();
    if (!ns || event.hook?.type !== 'beforeAll') return;
    if (event.name === 'hook_start') {
      ns.currentTestId = HOOK_TEST_ID;
    } else if (event.name === 'hook_success' || event.name === 'hook_failure') {
      ns.currentTestId = undefined;
      const perTest = ns.mutantCoverage?.perTest;
      const covered = perTest?.[HOOK_TEST_ID];
      if (!covered) return;
      delete perTest[HOOK_TEST_ID];
      for (const test of testsUnder(event.hook.parent)) {
        const into = (perTest[testId(test)] ??= {});
        for (const [mutant, hits] of Object.entries(covered)) into[mutant] = (into[mutant] ?? 0) + hits;
      }
    }
  }
}

module.exports = HookCoverageEnvironment;
