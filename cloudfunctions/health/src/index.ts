/** Provincial health data: risk-list import and the provincial color rule (API.md `health`). */
import { healthParams } from '../../../miniprogram/core/contracts/health.contract';
import { findPerson, importRiskList, setColor } from '../../_server/health/provincial';
import { createFunction, defineAction } from '../../_server/router';

export const main = createFunction({
  name: 'health',
  actions: {
    importRiskList: defineAction(healthParams.importRiskList, importRiskList),
    setColor: defineAction(healthParams.setColor, setColor),
    findPerson: defineAction(healthParams.findPerson, findPerson),
  },
});
