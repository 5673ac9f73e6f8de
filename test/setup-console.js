// The functions under test log every event (JSON lines without personal data). In test runs those lines would
// bury the results, so console output is dropped unless JXM_TEST_LOGS=1. Tests that check what is logged spy on
// console themselves; measured figures are printed with report() (test/helpers/report.ts).
if (process.env.JXM_TEST_LOGS !== '1') {
  for (const method of ['log', 'info', 'warn', 'error', 'debug']) {
    console[method] = () => undefined;
  }
}
